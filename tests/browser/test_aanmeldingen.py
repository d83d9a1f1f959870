"""A decaan reads the status rows, opens a status pop-up, records Elders and downloads the overview as PDF."""

import subprocess

from playwright.sync_api import expect

from accounts.models import User
from students.models import Aanmelding, Pupil
from students.schoolyear import current_school_year

from .conftest import SCREENSHOTS
from .helpers import PHONE, assert_rows_are_cards, login


def test_decaan_follows_aanmeldingen_and_exports_the_overview(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    login(page, base, "decaan.vo1", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerling overzicht").click()
    expect(page.get_by_test_id("status-row").first).to_be_visible()
    page.get_by_text("Wat betekenen de genummerde blokken?").click()
    assert axe() == [], "overview with status rows"
    shot("40-overzicht-statussen")

    # All groups of the school come in pages of 40; the page links keep the choices.
    pupils = Pupil.objects.filter(school__code="00AA", school_year=current_school_year()).count()
    pagination = page.get_by_test_id("pagination")
    expect(pagination.get_by_test_id("page-range")).to_have_text(f"1–40 van {pupils}")
    pagination.get_by_test_id("next-page").click()
    expect(page.get_by_test_id("page-range")).to_have_text(f"41–{min(80, pupils)} van {pupils}")
    expect(page.get_by_test_id("pupil-count")).to_contain_text(f"{pupils} leerlingen")
    assert axe() == [], "overview, page 2"
    page.get_by_test_id("pagination").scroll_into_view_if_needed()
    shot("40b-overzicht-pagina-2")

    # Clicking a coloured block opens the pop-up of that status (the pupil found by name).
    aanmelding = Aanmelding.objects.filter(pupil__school__code="00AA", status__gte=3).order_by("pk").first()
    page.get_by_label("Zoek op naam").fill(f"{aanmelding.pupil.voornaam} {aanmelding.pupil.achternaam}")
    page.get_by_role("button", name="Zoeken").click()
    row = page.get_by_test_id("pupil-row").filter(has_text=aanmelding.pupil.sort_name)
    row.get_by_test_id("status-block-2").first.click()
    dialog = page.locator("#voroc-modal")
    expect(dialog.get_by_role("heading", name="Status: Ontvangstbevestiging inschrijving")).to_be_visible()
    expect(dialog.get_by_test_id("status-popup")).to_contain_text(aanmelding.opleiding.name)
    assert axe("#voroc-modal") == [], "status pop-up"
    shot("41-status-popup")
    dialog.get_by_role("button", name="Sluiten").first.click()
    expect(dialog).to_be_hidden()

    # Filter on "Geen aanmelding" and record a destination elsewhere for the first pupil.
    page.get_by_role("link", name="Wis zoekopdracht").click()
    page.get_by_label("Verwachte bestemming").select_option("geen")
    expect(page.get_by_test_id("destination").first).to_have_text("Geen aanmelding")
    first = page.get_by_test_id("pupil-row").first
    first.get_by_role("link", name="Open").click()
    page.get_by_test_id("add-elders").click()
    dialog.get_by_label("Bestemming").select_option("werk")
    dialog.get_by_label("Toelichting").fill("Gaat werken bij het familiebedrijf; BBL later.")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_test_id("destination")).to_contain_text("Elders: werk")
    expect(page.get_by_test_id("elders-item").first).to_contain_text("Werk")
    assert axe() == [], "pupil page with aanmeldingen"
    shot("42-leerling-aanmeldingen")

    # The overview of group 4A as PDF: a real file, rendered to PNG to look at.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerling overzicht").click()
    page.get_by_label("Groep", exact=True).select_option(label="4A")
    expect(page.get_by_test_id("pupil-count")).to_contain_text("4A")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-pdf").click()
    pdf = SCREENSHOTS / "43-overzicht-4a.pdf"
    download_info.value.save_as(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(SCREENSHOTS / "43-overzicht-4a")],
        check=True,
    )
    assert (SCREENSHOTS / "43-overzicht-4a-1.png").exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for pupil in Pupil.objects.filter(school__code="00AA", group__name="4A"):
        assert pupil.achternaam in text


def test_on_a_phone_the_overview_does_not_scroll_sideways(page, demo_live, demo_pw, shot):
    page.set_viewport_size({"width": 400, "height": 800})
    login(page, demo_live.url, "decaan.vo1", demo_pw)
    for path in ("/leerlingen/", "/groepen/", "/meldingen/"):
        page.goto(demo_live.url + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)
    page.goto(demo_live.url + "/leerlingen/")
    shot("44-overzicht-smal")


def test_on_a_phone_each_pupil_of_the_overview_is_a_card(page, demo_live, demo_pw, axe, shot):
    page.set_viewport_size(PHONE)
    login(page, demo_live.url, "decaan.vo1", demo_pw)
    page.goto(demo_live.url + "/leerlingen/")
    expect(page.get_by_test_id("pupil-count")).to_contain_text("120 leerlingen")
    assert_rows_are_cards(page, axe, "pupil-table")
    shot("45-overzicht-kaarten-375")

    aanmelding = Aanmelding.objects.filter(pupil__school__code="00AA", status__gte=2).order_by("pk").first()
    _status_pop_up_from_a_card(page, axe, aanmelding, "pupil-row", "46-overzicht-kaart-status-375")


def test_on_a_phone_each_pupil_of_the_mbo_aanmeldingen_is_a_card(page, demo_live, demo_pw, axe, shot):
    page.set_viewport_size(PHONE)
    login(page, demo_live.url, "roc.mbo1", demo_pw)
    page.goto(demo_live.url + "/aanmeldingen/")
    expect(page.get_by_test_id("mbo-row").first).to_be_visible()
    assert_rows_are_cards(page, axe, "mbo-table")
    shot("47-mbo-aanmeldingen-375")

    school = User.objects.get(username="roc.mbo1").organisation
    aanmelding = Aanmelding.objects.filter(mbo_school=school, status__gte=2).order_by("pk").first()
    _status_pop_up_from_a_card(page, axe, aanmelding, "mbo-row", "48-mbo-aanmelding-status-375")


def _status_pop_up_from_a_card(page, axe, aanmelding, row_testid: str, screenshot: str) -> None:
    """A status block in a card opens the pop-up of that status (step 2), readable at phone size."""
    link = page.locator(f'a[href$="/aanmeldingen/{aanmelding.pk}/status/2/"]')
    expect(page.get_by_test_id(row_testid).filter(has=link)).to_have_count(1)
    link.click()
    dialog = page.locator("#voroc-modal")
    expect(dialog.get_by_role("heading", name="Status: Ontvangstbevestiging inschrijving")).to_be_visible()
    expect(dialog.get_by_test_id("status-popup")).to_contain_text(aanmelding.opleiding.name)
    assert axe("#voroc-modal") == [], f"status pop-up in {row_testid} (375 px)"
    page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"))  # the pop-up as the phone shows it
