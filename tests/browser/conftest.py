"""Browser tests: Debian's chromium through Playwright, axe-core for accessibility, screenshots to look at."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A page that posts and redirects can take more than Playwright's 5 seconds on a busy 2-core CI machine (the
# live server also serves the page's static files); a check still fails when the page never shows what it should.
expect.set_options(timeout=15_000)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: scripts/test installs it (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Reduced motion: Bootstrap then skips its fade animations, so checks never see a half-faded pop-up.
    return {
        **browser_context_args,
        "viewport": {"width": 1366, "height": 768},
        "locale": "nl-NL",
        "reduced_motion": "reduce",
    }


@pytest.fixture
def demo_live(transactional_db, live_server, demo_snapshots):
    # The run's seed_demo, written back and committed (tests/demo_snapshot.py): like every test's demo region, it
    # holds no monthly reports (they are made after a commit, which the seeding never reached).
    demo_snapshots.users.restore()
    demo_snapshots.pupils.restore()
    return live_server


@pytest.fixture
def shot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe(page):
    """Run axe-core on the current page; returns the violations (id, impact, nodes)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/test installs it (npm ci)")

    def run(context: str | None = None) -> list[dict]:
        # Evaluated through the browser's debugging channel: VOROC's Content-Security-Policy forbids inline
        # scripts (and so a <script> tag with axe's source), and it stays switched on in these tests.
        page.evaluate(AXE.read_text() + "\n;0")
        result = page.evaluate("async (ctx) => await axe.run(ctx || document, {resultTypes: ['violations']})", context)
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
        ]

    return run


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(page):
    """Every browser test: nothing on the page was refused by the Content-Security-Policy."""
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield
    assert refused == [], refused
