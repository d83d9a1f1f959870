"""Verzuim in a real browser: a decaan fills in a melding (a required field forgotten first), gemeente.denhaag finds
it in its list and handles it; the school sees the new status. axe at 1366 and 375 px."""

from playwright.sync_api import expect

from students.models import Pupil
from verzuim.models import VerzuimMelding

from .helpers import login

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}


def _both_sizes(page, shot, axe, name: str) -> None:
    assert axe() == [], name
    shot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    assert axe() == [], f"{name} (375 px)"
    shot(f"{name}-375")
    page.set_viewport_size(LAPTOP)


def test_a_decaan_reports_absence_and_the_gemeente_handles_it(page, demo_live, demo_pw, axe, shot, eager):
    pupil = (
        Pupil.objects.filter(school__code="00AA", group__name="4B", postcode__startswith="25", verzuimmeldingen=None)
        .order_by("pk")
        .first()
    )
    base = demo_live.url
    login(page, base, "decaan.vo1", demo_pw)
    page.goto(f"{base}/leerlingen/{pupil.pk}/")
    page.get_by_test_id("verzuim-new").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verzuim melden")
    expect(page.get_by_test_id("to-gemeente")).to_contain_text("Gemeente Den Haag")
    form = page.get_by_test_id("verzuim-form")
    form.get_by_label("Vermoedelijke soort").select_option(label="16 uur ongeoorloofd verzuim in 4 weken")
    form.get_by_label("Vermoedelijke reden").select_option(label="Spijbelen")
    form.get_by_label("Begin verzuim").fill("2026-11-02")
    form.get_by_label("Locatie").select_option(label="Hoofdgebouw Laan van Meerdervoort")
    form.get_by_label("Selecteer melder").select_option(label="Karin Mulder (verzuimcoördinator)")
    form.get_by_test_id("verzuim-submit").click()
    # The end is required for this kind: said at the field, nothing stored, nothing typed lost.
    expect(page.locator("#id_eind_error")).to_contain_text("einddatum")
    expect(form.get_by_label("Begin verzuim")).to_have_value("2026-11-02")
    assert not VerzuimMelding.objects.filter(pupil=pupil).exists()
    _both_sizes(page, shot, axe, "120-verzuim-melden-fout")
    form.get_by_label("Eind verzuim").fill("2026-11-27")
    form.locator("#id_actie_gewenst_0").check()
    form.get_by_label("Toelichting actie gewenst").fill("Graag een gesprek met leerling en ouders.")
    form.get_by_test_id("verzuim-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("meldingsnummer")
    expect(page.get_by_test_id("verzuim-status")).to_have_text("Geregistreerd")
    melding = VerzuimMelding.objects.get(pupil=pupil)
    _both_sizes(page, shot, axe, "121-verzuimmelding-school")
    page.get_by_role("button", name="Uitloggen").click()

    login(page, base, "gemeente.denhaag", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Verzuim").click()
    number = page.get_by_role("link", name=str(melding.meldingsnummer), exact=True)
    row = page.get_by_test_id("verzuim-row").filter(has=number)
    expect(row).to_contain_text(pupil.sort_name)
    _both_sizes(page, shot, axe, "122-verzuim-lijst-gemeente")
    row.get_by_role("link", name=str(melding.meldingsnummer), exact=True).click()
    status = page.get_by_test_id("verzuim-status-form")
    status.get_by_label("Nieuwe status").select_option(label="In behandeling")
    status.get_by_label("Toelichting voor de school").fill("Leerplicht nodigt leerling en ouders uit.")
    page.get_by_test_id("verzuim-status-submit").click()
    expect(page.get_by_test_id("verzuim-status")).to_have_text("In behandeling")
    _both_sizes(page, shot, axe, "123-verzuimmelding-gemeente")
    page.get_by_role("button", name="Uitloggen").click()

    login(page, base, "decaan.vo1", demo_pw)
    page.goto(f"{base}/verzuim/{melding.pk}/")
    expect(page.get_by_test_id("verzuim-status")).to_have_text("In behandeling")
    expect(page.get_by_test_id("verzuim-history").last).to_contain_text("Leerplicht nodigt leerling en ouders uit.")
    expect(page.get_by_test_id("verzuim-edit")).to_have_count(0)  # in behandeling: no longer changed by the school
