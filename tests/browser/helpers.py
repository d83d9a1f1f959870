def login(page, base, username, password):
    """Log in through the login page; a user who needs a second factor gets an authenticator first."""
    from accounts.models import User

    user = User.objects.get(username=username)
    device = authenticator_for(user) if user.requires_second_factor and username != "servicedesk" else None
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Loginnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    if device is not None:
        page.get_by_label("Code uit uw authenticator-app").fill(current_code(device))
        page.get_by_role("button", name="Bevestigen").click()


def authenticator_for(user):
    """A confirmed TOTP device, as if the user had set up their app earlier."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="app", confirmed=True
    )


def current_code(device) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


PHONE = {"width": 375, "height": 812}

# On a phone a thumb needs a target of 44 by 44 px: the buttons, status blocks and icon links in a card.
_TARGETS_JS = """(id) => [...document.querySelectorAll(
    `[data-testid="${id}"] tbody .btn, [data-testid="${id}"] tbody .voroc-status > a, [data-testid="${id}"] tbody .voroc-card-icons > a`)]
  .filter((e) => e.getClientRects().length)
  .map((e) => { const r = e.getBoundingClientRect(); return [e.outerHTML.slice(0, 80), r.width, r.height]; })"""

_WIDTHS_JS = """(id) => {
  const table = document.querySelector(`[data-testid="${id}"]`), box = table.parentElement, root = document.documentElement;
  return {page: [root.scrollWidth, root.clientWidth], box: [box.scrollWidth, box.clientWidth],
          row: getComputedStyle(table.querySelector("tbody tr")).display};
}"""


def assert_rows_are_cards(page, axe, table: str) -> None:
    """At 375 px the table's rows are cards (the mechanism `voroc-cards-sm`): neither the page nor the table's box
    scrolls sideways, every button in a card is a thumb's target, axe finds nothing, and chromium's accessibility
    tree still holds a table whose rows are named by their row header."""
    from playwright.sync_api import expect

    assert page.viewport_size == PHONE
    widths = page.evaluate(_WIDTHS_JS, table)
    assert widths["page"][0] <= widths["page"][1], f"{table}: the page scrolls sideways on a phone ({widths})"
    assert widths["box"][0] <= widths["box"][1], f"{table}: the table scrolls sideways on a phone ({widths})"
    assert widths["row"] != "table-row", f"{table}: the rows are still table rows on a phone"
    expect(page.get_by_test_id(table).locator("thead")).to_be_hidden()
    targets = page.evaluate(_TARGETS_JS, table)
    assert targets, f"{table}: no buttons found in the cards"
    small = [target for target in targets if target[1] < 44 or target[2] < 44]
    assert small == [], f"{table}: targets under 44 px on a phone: {small[:5]}"
    assert axe() == [], f"{table} (375 px)"

    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    roles = [node.get("role", {}).get("value") for node in tree if not node.get("ignored")]
    rows = page.get_by_test_id(table).locator("tbody tr").count()
    assert "table" in roles, f"{table}: no table left for a screen reader on a phone"
    assert roles.count("rowheader") == rows, f"{table}: {roles.count('rowheader')} row headers for {rows} rows"
