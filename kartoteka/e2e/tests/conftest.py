"""Browser fixtures for the end-to-end tests: Debian's Chromium driven by Playwright (never a downloaded browser)."""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
# The machine's network is closed: keep Chromium from calling home (and from waiting on it).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[3] / "test-results"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Module scope: the event loop stops after each e2e module, so later tests see no running loop.
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(request, browser, live_server, transactional_db):
    """A fresh page (own cookies) in the default language, Polish; screenshot into test-results/ on failure."""
    context = browser.new_context(base_url=live_server.url, locale="pl-PL", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = _watch_errors(page)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
        (RESULTS / f"{request.node.name}.html").write_text(page.content())
    context.close()


def _watch_errors(page) -> list[str]:
    """What a user would not see but should never happen: JS errors, CSP refusals, failed requests."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"JS error: {exc}"))

    def on_console(msg) -> None:
        # A failed request is reported below with its URL; the console line would only repeat it.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(f"console: {msg.text}")

    def on_response(response) -> None:
        # Browsers ask for /favicon.ico by themselves; the app has none (yet).
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    return errors


@pytest.fixture
def log_in(page, employee):
    """Log in through the login form: as a staff member with the employee role, or as `user`."""

    def _log_in(user=None):
        user = user or employee
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "Secret-pass-123")
        page.click("form:has(#id_password) button[type=submit]")
        page.wait_for_url("**/clients/")
        return user

    return _log_in
