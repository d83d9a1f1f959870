"""The gemeente's side in a real browser: a decaan reports a pupil to De Overstap through the handleiding's pop-up
(Nee, then Ja); the gemeente finds the pupil in its list, writes a remark, handles the report; the school sees it."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from gemeente.models import Case
from students.models import Pupil

from .helpers import login

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}


def _den_haag_pupil() -> Pupil:
    """A pupil of VO1's 4A who lives in Den Haag and was not reported to the gemeente yet."""
    return (
        Pupil.objects.filter(school__code="00AA", group__name="4A", postcode__startswith="25", gemeente_cases=None)
        .order_by("pk")
        .first()
    )


def _both_sizes(page, shot, axe, name: str) -> None:
    assert axe() == [], name
    shot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    assert axe() == [], f"{name} (375 px)"
    shot(f"{name}-375")
    page.set_viewport_size(LAPTOP)


def test_a_decaan_reports_a_pupil_to_de_overstap_and_the_gemeente_handles_it(
    page, demo_live, demo_pw, axe, shot, eager
):
    pupil = _den_haag_pupil()
    base = demo_live.url

    # --- the decaan: from the overview's icon row, the pop-up, Nee, then Ja -----------------------------------
    login(page, base, "decaan.vo1", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerling overzicht").click()
    page.get_by_test_id("group-select").select_option(label="4A")
    row = page.get_by_test_id("pupil-row").filter(has_text=pupil.sort_name)
    icon = row.get_by_test_id("overstap-icon")
    expect(icon).to_have_attribute("data-state", "niet")
    icon.click()
    modal = page.locator("#voroc-modal")
    expect(modal.get_by_role("heading")).to_contain_text("De Overstap")
    expect(modal).to_contain_text("Gemeente Den Haag")
    modal.get_by_label("Opmerking voor de gemeente").fill("Haalt het diploma, maar heeft nog geen opleiding gekozen.")
    assert axe() == [], "De Overstap pop-up"
    shot("110-de-overstap-popup")
    modal.get_by_role("button", name="Meld leerling aan").click()
    expect(modal.get_by_test_id("confirm")).to_contain_text("Weet u zeker")
    assert axe() == [], "De Overstap: Ja/Nee"
    shot("111-de-overstap-ja-nee")
    modal.get_by_role("button", name="Nee").click()
    expect(modal.get_by_label("Opmerking voor de gemeente")).to_have_value(
        "Haalt het diploma, maar heeft nog geen opleiding gekozen."
    )
    assert not Case.objects.filter(pupil=pupil).exists()
    modal.get_by_role("button", name="Meld leerling aan").click()
    modal.get_by_role("button", name="Ja").click()
    expect(page.get_by_test_id("gemeente-panel").get_by_test_id("case-status")).to_have_text("Ontvangen")
    expect(page.locator(".alert-success")).to_contain_text("is aangemeld bij De Overstap")
    case = Case.objects.get(pupil=pupil)
    page.get_by_test_id("gemeente-panel").scroll_into_view_if_needed()
    _both_sizes(page, shot, axe, "112-leerling-gemeente-paneel")
    page.get_by_role("button", name="Uitloggen").click()

    # --- the gemeente: its list, the pupil, a remark, the report handled ------------------------------------------
    login(page, base, "gemeente.denhaag", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerlingen in de gemeente").click()
    expect(page.get_by_test_id("resident-row").first).to_be_visible()
    _both_sizes(page, shot, axe, "113-leerlingen-in-de-gemeente")
    page.get_by_test_id("chip-overstap").click()
    expect(page.get_by_test_id("pupil-count")).to_contain_text("De Overstap")
    expect(page.get_by_test_id("signal-select")).to_have_value("overstap")
    resident_row = page.get_by_test_id("resident-row").filter(has_text=pupil.sort_name)
    expect(resident_row.get_by_test_id("gemeente-cell")).to_contain_text("De Overstap")
    shot("114-leerlingen-filter-de-overstap")
    resident_row.get_by_role("link", name=pupil.sort_name).click()
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("form-panel")).to_be_visible()
    page.get_by_test_id("add-remark").click()
    page.locator("#voroc-modal").get_by_label("Opmerking").fill("Moeder gebeld: gesprek op school volgende week.")
    assert axe() == [], "remark pop-up"
    page.locator("#voroc-modal").get_by_role("button", name="Opslaan").click()
    expect(page.get_by_test_id("remark").first).to_contain_text("Moeder gebeld")
    _both_sizes(page, shot, axe, "115-leerling-als-gemeente")
    page.get_by_test_id("open-case").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("De Overstap")
    page.get_by_test_id("contact-form").get_by_label("Soort contact").select_option(label="Telefoon")
    page.get_by_test_id("contact-form").get_by_label("Notitie (alleen voor de gemeente)").fill("Moeder gesproken.")
    page.get_by_test_id("contact-submit").click()
    expect(page.get_by_test_id("contact").first).to_contain_text("Moeder gesproken.")
    expect(page.get_by_test_id("case-status").first).to_contain_text("In behandeling")
    status = page.get_by_test_id("status-form")
    status.get_by_label("Status").select_option(label="Afgesloten")
    status.get_by_label("Uitkomst (bij afsluiten)").select_option(label="Geplaatst op het mbo")
    page.get_by_test_id("status-submit").click()
    expect(page.get_by_test_id("case-status").first).to_contain_text("Afgesloten: geplaatst op het mbo")
    _both_sizes(page, shot, axe, "116-melding-behandelen")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overstap en risico").click()
    page.get_by_test_id("status-select").select_option("alle")
    expect(page.get_by_test_id("case-row").first).to_be_visible()
    _both_sizes(page, shot, axe, "117-overstap-en-risico")
    page.get_by_role("button", name="Uitloggen").click()

    # --- the school sees the status and the outcome, not the contact notes -----------------------------------------
    case.refresh_from_db()
    assert case.status == "afgesloten" and case.contacts.count() == 1
    login(page, base, "mentor.vo1", demo_pw)
    page.goto(f"{base}/leerlingen/{pupil.pk}/")
    panel = page.get_by_test_id("gemeente-panel")
    expect(panel.get_by_test_id("case-status")).to_have_text("Afgesloten: geplaatst op het mbo")
    expect(panel).to_contain_text("Moeder gebeld")  # the remark
    expect(panel).not_to_contain_text("Moeder gesproken.")  # the contact note
    assert timezone.now() - case.status_at < datetime.timedelta(minutes=5)
