"""The three monitors in a real browser, on a laptop and a phone: the numbers, the charts (with their text), the
table beside them; a count opens exactly its list; the Actielijst says why each pupil is on it. axe: 0 violations."""

from playwright.sync_api import expect

from .helpers import login

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}


def _both_sizes(page, shot, axe, name: str) -> None:
    violations = axe()
    assert violations == [], (name, violations)
    shot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    assert axe() == [], f"{name} (375 px)"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page scrolls sideways on a phone ({width} px)"
    shot(f"{name}-375")
    page.set_viewport_size(LAPTOP)


def _open_a_count(page, locator) -> None:
    """Click a count: the list it opens says as many."""
    count = locator.get_attribute("data-count")
    locator.click()
    expect(page.get_by_test_id("list-count")).to_have_attribute("data-count", count)


def test_the_gemeente_school_and_mbo_monitors(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    page.set_viewport_size(LAPTOP)

    login(page, base, "gemeente.denhaag", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Monitor").click()
    expect(page.get_by_role("heading", name="Monitor", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Verwachte bestemming")).to_be_visible()
    expect(page.get_by_test_id("table-school")).to_be_visible()
    _both_sizes(page, shot, axe, "150-monitor-gemeente")
    _open_a_count(page, page.get_by_test_id("signals").get_by_test_id("count").first)
    _both_sizes(page, shot, axe, "151-monitor-gemeente-lijst")
    page.get_by_test_id("back").click()
    page.get_by_test_id("subnav-actielijst").click()
    _both_sizes(page, shot, axe, "152-monitor-gemeente-actielijst")
    page.get_by_test_id("subnav-rapportages").click()
    expect(page.get_by_role("heading", name="Rapportages")).to_be_visible()
    _both_sizes(page, shot, axe, "152b-monitor-gemeente-rapportages")

    page.context.clear_cookies()
    login(page, base, "decaan.vo1", demo_pw)
    page.goto(f"{base}/monitor/")
    expect(page.get_by_test_id("table-groep")).to_be_visible()
    page.get_by_test_id("trend-details").locator("summary").click()
    _both_sizes(page, shot, axe, "153-monitor-school")
    _open_a_count(page, page.get_by_test_id("table-groep").get_by_test_id("count").nth(2))
    page.get_by_test_id("back").click()
    page.get_by_test_id("subnav-actielijst").click()
    _both_sizes(page, shot, axe, "154-monitor-school-actielijst")

    page.context.clear_cookies()
    login(page, base, "roc.mbo1", demo_pw)
    page.goto(f"{base}/monitor/")
    expect(page.get_by_test_id("table-opleiding")).to_be_visible()
    _both_sizes(page, shot, axe, "155-monitor-mbo")
    _open_a_count(page, page.get_by_test_id("status-table").get_by_test_id("count").nth(1))
    _both_sizes(page, shot, axe, "156-monitor-mbo-lijst")
