"""Logging out ends the login on the server (issue 16, finding 11): a copied session cookie and the
one-year remember-me cookie stop working; "log out everywhere" ends every device's login."""

from tests import factories


def _cookies(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _device_with(app, cookies: dict[str, str]):
    device = app.test_client()
    for name, value in cookies.items():
        device.set_cookie(name, value, domain="localhost")
    return device


def test_logout_ends_this_login_for_copied_cookies_too(app, world):
    browser = app.test_client()
    browser.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD, "remember": "y"})
    stolen = _cookies(browser)
    assert {"session", "remember_token"} <= set(stolen)
    assert _device_with(app, stolen).get("/profile").status_code == 200  # the copy works while logged in
    assert browser.post("/logout").status_code == 302
    assert _device_with(app, stolen).get("/profile").status_code == 302
    only_remember = {"remember_token": stolen["remember_token"]}
    assert _device_with(app, only_remember).get("/profile").status_code == 302


def test_logout_on_one_device_keeps_the_others(app, world):
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    laptop.post("/logout")
    assert laptop.get("/profile").status_code == 302
    assert phone.get("/profile").status_code == 200


def test_log_out_everywhere_ends_every_login(app, world):
    laptop, phone = app.test_client(), app.test_client()
    phone.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD, "remember": "y"})
    remembered = {"remember_token": _cookies(phone)["remember_token"]}
    laptop.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    assert laptop.post("/logout/everywhere").status_code == 302
    assert laptop.get("/profile").status_code == 302
    assert phone.get("/profile").status_code == 302
    assert _device_with(app, remembered).get("/profile").status_code == 302
    assert laptop.post("/login", data={"email": world.company_a.email,
                                       "password": factories.PASSWORD}).status_code == 302  # a new login works
