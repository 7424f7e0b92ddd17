-- The mixed run: 9 of 10 requests read the page under test, 1 of 10 writes a progress report through the
-- API on a measure drawn at random from the whole process (so caches cannot hide invalidation costs).
local path = os.getenv("MIXED_PATH")
local token = os.getenv("MIXED_TOKEN")
local ids = {}
for id in string.gmatch(os.getenv("MIXED_IDS"), "%d+") do table.insert(ids, id) end
local count = 0

request = function()
  count = count + 1
  if count % 10 == 0 then
    local id = ids[math.random(#ids)]
    local body = '{"date": "2026-12-01", "percent": ' .. math.random(0, 100) .. ', "light": "green", "note": "bench"}'
    return wrk.format("POST", "/api/v1/measures/" .. id .. "/progress",
                      {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", path)
end
