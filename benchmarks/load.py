"""Drives the load benchmark (see benchmarks/run) and writes benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

from benchmarks import browser

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
PORT = 5099
SCALES = (1, 10, 100)
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
MIXED_ALL_SCALES = bool(os.environ.get("BENCH_MIXED_ALL"))  # the mixed run at every scale, not only 1x
# Flask-Login's strong session protection ties a session to the client's user agent.
USER_AGENT = "masterplan-bench"


def check_ok(path: str, cookie: str) -> None:
    """The page answers 200 to this cookie (a redirect to the login would make the numbers lie)."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}",
                                     headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    response = urllib.request.urlopen(request, timeout=30)
    if response.status != 200 or response.url != request.full_url:
        raise SystemExit(f"{path} answered {response.status} at {response.url}, not 200: benchmark aborted")


def run(command: list[str], env: dict | None = None) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env, cwd=ROOT).stdout


def prepare_database(scale: int, name: str | None = None) -> str:
    name = name or f"tracker_bench_{scale}x"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG}/{name}"
    _forget_cache()
    env = {**os.environ, "DATABASE_URL": url}
    run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
    print(run([sys.executable, "-m", "benchmarks.generate", "--scale", str(scale)], env).strip())
    return url


@contextmanager
def gunicorn(database_url: str):
    env = {**os.environ, "DATABASE_URL": database_url, "BENCHMARK_ENDPOINTS": "1", "SECRET_KEY": "bench",
           "API_WRITE_LIMIT": "100000 per second", **_redis_env()}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{PORT}", "--log-level",
         "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/plain", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: do not hide the error that got us here
            process.kill()


def _redis_env() -> dict[str, str]:
    """The benchmark's own Redis queue and cache prefix (BENCH_REDIS, default the local server)."""
    url = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
    return {"REDIS_URL": url, "JOBS_QUEUE": "bench", "CACHE_KEY_PREFIX": "bench:"} if url else {}


def _forget_cache() -> None:
    """A new database starts its data generations at 0: the cache of the previous one must go."""
    url = _redis_env().get("REDIS_URL")
    if url:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter("bench:*"):
            client.delete(key)


def write_access(database_url: str, email: str) -> dict:
    """An API token of the steering user and the measures writes go to (all of the process's adopted ones)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    token = run([sys.executable, "-m", "flask", "--app", "wsgi", "create-token", email], env).split()[-1]
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        ids = [row[0] for row in connection.execute(
            "SELECT id FROM measure WHERE process_id = (SELECT min(id) FROM process) "
            "AND status IN ('adopted', 'in_progress')")]
    return {"token": token, "ids": ",".join(map(str, ids))}


def login(email: str, password: str) -> str:
    """The session cookie of a logged-in user (CSRF token taken from the login form)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"http://127.0.0.1:{PORT}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token.group(1)}).encode()
    opener.open(f"http://127.0.0.1:{PORT}/login", data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(path: str, cookie: str, mixed: dict | None = None) -> dict[str, float]:
    """wrk on one page; with `mixed` ({"token", "ids"}) one request in ten is a write (benchmarks/mixed.lua)."""
    check_ok(path, cookie)
    script, env = [], None
    if mixed is not None:
        script = ["-s", str(ROOT / "benchmarks" / "mixed.lua")]
        env = {**os.environ, "MIXED_PATH": path, "MIXED_TOKEN": mixed["token"], "MIXED_IDS": mixed["ids"]}
    output = run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", *script, "-H", f"Cookie: {cookie}",
                  "-H", f"User-Agent: {USER_AGENT}", f"http://127.0.0.1:{PORT}{path}"], env)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def latency(percent: str) -> float:
        value, unit = re.search(rf"{percent}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "errors": int(errors.group(1)) if errors else 0}


def worker_memory_mb(master: subprocess.Popen) -> float:
    children = run(["ps", "-o", "rss=", "--ppid", str(master.pid)]).split()
    return max(int(kb) for kb in children) / 1024 if children else 0.0


def key_pages(database_url: str) -> tuple[dict[str, str], str]:
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        process_id = connection.execute("SELECT min(id) FROM process").fetchone()[0]
        hub_id = connection.execute("SELECT min(id) FROM hub WHERE process_id = %s", (process_id,)).fetchone()[0]
        session_id = connection.execute("SELECT min(id) FROM session WHERE hub_id = %s", (hub_id,)).fetchone()[0]
        measure_id = connection.execute("SELECT min(id) FROM measure WHERE hub_id = %s AND status = 'adopted'",
                                        (hub_id,)).fetchone()[0]
        email = connection.execute(
            "SELECT p.email FROM \"user\" u JOIN person p ON p.id = u.person_id WHERE u.role = 'steering' "
            "ORDER BY u.id LIMIT 1").fetchone()[0]
    pages = {
        "process overview": f"/processes/{process_id}",
        "hub page": f"/hubs/{hub_id}",
        "session page": f"/sessions/{session_id}",
        "measure list": f"/processes/{process_id}/measures",
        "measure page": f"/measures/{measure_id}",
        "public landing": f"/p/{process_id}",
    }
    pages.update(extra_pages(process_id))
    return pages, email


def extra_pages(process_id: int) -> dict[str, str]:
    """Pages of features that may not exist in every checkout (dashboards, plan, public progress)."""
    candidates = {
        "process dashboard": f"/processes/{process_id}/dashboard",
        "plan draft (HTML)": f"/processes/{process_id}/plan",
        "public progress": f"/p/{process_id}/progress",
    }
    found = {}
    for name, path in candidates.items():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=5)
            found[name] = path
        except urllib.error.HTTPError as error:
            if error.code in (200, 302, 401, 403):
                found[name] = path
        except OSError:
            pass
    return found


def measure_scale(scale: int) -> dict:
    database_url = prepare_database(scale)
    results = {}
    with gunicorn(database_url) as master:
        pages, email = key_pages(database_url)
        cookie = login(email, "Bench-Passwort-1")
        first = first_requests(pages, cookie)
        wrk("/bench/plain", "")  # warm-up
        results["bare endpoint"] = wrk("/bench/plain", "")
        results["fortunes"] = wrk("/bench/fortunes", "")
        for name, path in pages.items():
            wrk(path, cookie)  # warm-up
            results[name] = wrk(path, cookie)
        mixed = {}
        if scale == 1 or MIXED_ALL_SCALES:
            access = write_access(database_url, email)
            for name, path in pages.items():
                mixed[name] = wrk(path, cookie, access)
        memory = worker_memory_mb(master)
        in_browser = browser.measure(f"http://127.0.0.1:{PORT}", pages["public progress"]) \
            if scale == 1 and "public progress" in pages else None
    return {"results": results, "mixed": mixed, "memory_mb": memory, "browser": in_browser, "first": first}


def first_requests(pages: dict[str, str], cookie: str) -> dict[str, float]:
    """Seconds of one request of each page with nothing cached (the first after the data were loaded), and of
    the duplicate suggestions, the one page that compares every open idea with every other."""
    process_id = pages["process overview"].rsplit("/", 1)[1]
    timed = {**pages, "duplicate suggestions": f"/processes/{process_id}/measures/duplicates"}
    seconds = {}
    for name, path in timed.items():
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}",
                                         headers={"Cookie": cookie, "User-Agent": USER_AGENT})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        seconds[name] = time.perf_counter() - start
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1x only, 3 s per page")
    parser.add_argument("--scales", default=",".join(map(str, SCALES)))
    args = parser.parse_args()
    global DURATION
    scales = [1] if args.quick else [int(s) for s in args.scales.split(",")]
    if args.quick:
        DURATION = "3s"
    run([sys.executable, "-m", "whitenoise.compress", "--quiet", "static"])  # as `make install` does
    measured = {scale: measure_scale(scale) for scale in scales}
    worker = worker_timings(scales)
    exports = export_timings(scales)
    write_results(measured, exports, worker)


def worker_timings(scales) -> str:
    """PDF and DOCX of a frozen version rendered by `flask worker` (benchmarks/worker_exports.py)."""
    if not os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0"):
        return ""
    return run([sys.executable, "-m", "benchmarks.worker_exports", *(f"{PG}/tracker_bench_{s}x" for s in scales)],
               {**os.environ, **_redis_env()}).strip()


def export_timings(scales) -> str:
    """The plan export table of benchmarks/plan_exports.py (run in its own process), as Markdown."""
    command = [sys.executable, "-m", "benchmarks.plan_exports", *(["--ten"] if 10 in scales else [])]
    run(command)
    table = (ROOT / "benchmarks" / "PLAN_EXPORTS.md").read_text().split("\n", 2)[2]
    return table.strip()


def write_results(measured: dict, exports: str, worker: str = "") -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()}: {os.cpu_count()} cores, "
        f"{_memory_gb():.0f} GiB, Python {platform.python_version()}, {_versions()}.",
        f"gunicorn 2 sync workers, PostgreSQL on the same machine, wrk -t2 -c{CONNECTIONS} -d{DURATION} on loopback.",
        "Absolute numbers on shared 2-core machines are noisy; the ratios within one run are what counts.",
        f"Load average when the run ended: {os.getloadavg()[0]:.1f} (other work on the machine lowers every number).",
        "",
    ]
    one_x = measured.get(1, {}).get("results", {})
    for scale, data in measured.items():
        results = data["results"]
        bare, fortunes = results["bare endpoint"]["rps"], results["fortunes"]["rps"]
        lines += [f"## {scale}x (worker memory {data['memory_mb']:.0f} MB)", "",
                  "| page | req/s | p50 ms | p99 ms | p99/p50 | vs bare | vs fortunes | vs own 1x | errors |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, r in results.items():
            own = r["rps"] / one_x[name]["rps"] if name in one_x and scale != 1 else None
            lines.append(
                f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['p99'] / max(r['p50'], 0.001):.1f} "
                f"| {r['rps'] / bare:.0%} | {r['rps'] / fortunes:.0%} | {f'{own:.0%}' if own else '—'} "
                f"| {r['errors']} |")
        lines.append("")
        if data.get("first"):
            lines += [f"### {scale}x: one request with nothing cached (the first after loading the data)", "",
                      "| page | seconds |", "|---|---|"]
            lines += [f"| {name} | {value:.2f} |" for name, value in data["first"].items()]
            lines.append("")
        if data.get("mixed"):
            lines += [f"### {scale}x mixed: 1 request in 10 writes a progress report on a random measure (API)", "",
                      "| page | req/s (all) | p50 ms | p99 ms | vs fortunes | errors |", "|---|---|---|---|---|---|"]
            for name, r in data["mixed"].items():
                lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['rps'] / fortunes:.0%} "
                             f"| {r['errors']} |")
            lines.append("")
    if worker:
        lines += ["## Exports rendered by the worker (benchmarks/worker_exports.py)", "", worker, ""]
    if measured.get(1, {}).get("browser"):
        lines += [browser.markdown(measured[1]["browser"])]
    if exports:
        lines += ["## Plan exports (benchmarks/plan_exports.py)", "", exports, ""]
    (ROOT / "benchmarks" / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))


def _memory_gb() -> float:
    with open("/proc/meminfo") as meminfo:
        return int(meminfo.readline().split()[1]) / 1024 / 1024


def _versions() -> str:
    from importlib.metadata import version

    server = run(["psql", "--version"]).split()[-1]
    return (f"Flask {version('flask')}, SQLAlchemy {version('sqlalchemy')}, gunicorn {version('gunicorn')}, "
            f"PostgreSQL {server}")


if __name__ == "__main__":
    main()
