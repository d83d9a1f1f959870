"""A mentor fills in a whole doorstroomformulier step by step (a doelgroep step appears as soon as it is chosen),
adds the LOB-paspoort and saves; the decaan approves it and the mbo-school reads what was sent."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from doorstroom.models import Formulier
from doorstroom.pdfgen import simple_pdf
from students.models import Pupil

from .conftest import SCREENSHOTS
from .helpers import login


def _pupil_without_form() -> Pupil:
    return (
        Pupil.objects.filter(school__code="00AA", group__name="4A", aanmeldingen__mbo_school__code="25AA")
        .exclude(doorstroomformulieren__isnull=False)
        .order_by("pk")
        .first()
    )


def _top(page, shot, name: str) -> None:
    """A screenshot of the page from its top (the step list stays in view while scrolling)."""
    page.evaluate("window.scrollTo(0, 0)")
    shot(name)


def _verder(page, title: str) -> None:
    page.get_by_role("button", name="Verder").click()
    expect(page.locator("#stap-titel")).to_contain_text(title)


def test_a_mentor_fills_in_a_whole_form_step_by_step(page, demo_live, demo_pw, axe, shot, eager, tmp_path):
    pupil = _pupil_without_form()
    login(page, demo_live.url, "mentor.vo1", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerling overzicht").click()
    page.get_by_text("Wat betekenen de iconen?").click()
    expect(page.get_by_test_id("form-legend")).to_contain_text("compleet en geaccordeerd")
    assert axe() == [], "overview with the form icons"
    shot("70-overzicht-formulier-iconen")
    row = page.get_by_test_id("pupil-row").filter(has_text=pupil.sort_name)
    expect(row.get_by_test_id("form-icon")).to_have_attribute("data-state", "nieuw")
    row.get_by_test_id("form-icon").click()

    # 1 Leerlinggegevens: from the pupil record, read-only.
    expect(page.locator("#stap-titel")).to_contain_text("Leerlinggegevens")
    expect(page.get_by_test_id("item-naam")).to_contain_text(pupil.full_name)
    assert axe() == [], "step 1"
    _top(page, shot, "71-stap-leerlinggegevens")

    # 2 Vooropleiding: the leerweg appears as soon as vmbo is chosen.
    _verder(page, "Vooropleiding")
    expect(page.get_by_test_id("item-leerweg")).to_be_hidden()
    badge = page.get_by_test_id("step-percent")
    at_start = badge.inner_text()
    page.get_by_label("Schoolsoort").select_option("vmbo")
    expect(badge).not_to_have_text(at_start)  # "% ingevuld" follows the answers before anything is saved
    expect(page.get_by_test_id("item-leerweg")).to_be_visible()
    page.get_by_label("Kaderberoepsgerichte leerweg (KB)").check()
    expect(page.get_by_test_id("item-sector_tl")).to_be_hidden()  # TL would ask the sector instead
    page.get_by_test_id("item-profiel").get_by_role("combobox").select_option(label="Zorg en welzijn")
    for vak in ("Nederlands", "Engels", "Wiskunde", "Biologie"):
        page.get_by_label(vak, exact=True).check()
    page.get_by_label("Verwacht diploma").select_option(label="vmbo-diploma kaderberoepsgerichte leerweg")
    page.get_by_test_id("item-slagingskans").get_by_label("Goed").check()
    page.get_by_test_id("item-gedoubleerd").get_by_label("Nee").check()
    assert axe() == [], "step 2"
    _top(page, shot, "72-stap-vooropleiding")
    typed = badge.inner_text()

    # 3 Loopbaan en opleidingskeuze, with the LOB-paspoort as attachment.
    _verder(page, "Loopbaan en opleidingskeuze")
    # What the page counted while typing is what the server counted on saving.
    assert page.get_by_test_id("nav-vooropleiding").inner_text().endswith(typed.split()[0]), typed
    page.get_by_label("Beroepswens").fill("Verpleegkundige in een ziekenhuis.")
    page.get_by_label("Waarom past deze opleiding bij de leerling?").fill(
        "Zorgt graag voor anderen; snuffelstage bij een zorgcentrum ging goed."
    )
    # Near its limit a text says how much room it uses; a paste longer than the room is said at once.
    motivatie = page.get_by_label("Waarom past deze opleiding bij de leerling?")
    expect(page.get_by_test_id("count-a-motivatie")).to_be_hidden()
    motivatie.fill("x" * 3500)
    expect(page.get_by_test_id("count-a-motivatie")).to_have_text("3500 van 4000 tekens")
    motivatie.evaluate(
        """el => { const data = new DataTransfer(); data.setData("text/plain", "y".repeat(600));
                   el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true})); }"""
    )
    expect(page.get_by_test_id("count-a-motivatie")).to_contain_text("de browser heeft het einde weggelaten")
    motivatie.fill("Zorgt graag voor anderen; snuffelstage bij een zorgcentrum ging goed.")
    expect(page.get_by_test_id("count-a-motivatie")).to_be_hidden()
    page.get_by_label("Redelijk zeker").check()
    page.get_by_label("Open dag(en) van het mbo bezocht").check()
    page.get_by_label("Proefstuderen of meeloopdag").check()
    lob = tmp_path / "LOB-paspoort.pdf"
    lob.write_bytes(simple_pdf(["LOB-paspoort", pupil.full_name]))
    page.get_by_label("LOB-paspoort: kies een pdf-bestand").set_input_files(str(lob))
    page.get_by_test_id("upload-lob_paspoort").click()
    expect(page.get_by_test_id("attachment")).to_contain_text("LOB-paspoort.pdf")
    expect(page.get_by_label("Beroepswens")).to_have_value("Verpleegkundige in een ziekenhuis.")  # kept
    assert axe() == [], "step 3"
    _top(page, shot, "73-stap-loopbaan")

    # 4 Aandachtspunten: choosing ISK adds the ISK step at once.
    _verder(page, "Aandachtspunten")
    isk_step = page.get_by_test_id("nav-doelgroep_isk")
    expect(isk_step).to_be_hidden()
    page.get_by_label("ISK", exact=True).check()
    expect(isk_step).to_be_visible()
    # "Geen bijzondere aandachtspunten" stands alone: ticking another point clears it, and the other way round.
    geen = page.get_by_label("Geen bijzondere aandachtspunten")
    geen.check()
    page.get_by_label("Taal (Nederlands als tweede taal)").check()
    expect(geen).not_to_be_checked()
    geen.check()
    expect(page.get_by_label("Taal (Nederlands als tweede taal)")).not_to_be_checked()
    page.get_by_label("Taal (Nederlands als tweede taal)").check()
    page.get_by_label("Toelichting op de aandachtspunten").fill("Spreekt goed Nederlands, schrijven kost nog moeite.")
    page.get_by_test_id("item-extra_begeleiding").get_by_label("Ja").check()
    page.get_by_test_id("item-warme_overdracht").get_by_label("Ja").check()
    assert axe() == [], "step 4"
    _top(page, shot, "74-stap-aandachtspunten")

    # 5 Doelgroep: ISK.
    _verder(page, "Doelgroep: ISK")
    page.get_by_label("2 tot 4 jaar").check()
    page.get_by_label("Taalniveau Nederlands (ERK)").select_option("b1")
    page.get_by_label("Moedertaal").fill("Arabisch")
    assert axe() == [], "step 5"
    _top(page, shot, "75-stap-isk")

    # 6 Ondersteuning, with a test of the last two years (a repeatable row).
    _verder(page, "Ondersteuning")
    page.get_by_role("checkbox", name="Taal", exact=True).check()
    page.get_by_test_id("item-dyslexieverklaring").get_by_label("Nee").check()
    page.get_by_test_id("item-dyscalculieverklaring").get_by_label("Nee").check()
    page.get_by_test_id("add-row-testen").click()
    page.get_by_label("Soort test of onderzoek").fill("Taaltoets Nederlands (NT2)")
    page.get_by_label("Uitkomst in het kort").fill("Niveau B1 lezen, A2 schrijven.")
    assert axe() == [], "step 6"
    _top(page, shot, "76-stap-ondersteuning")

    # 7 Competenties: ten scores.
    _verder(page, "Competenties")
    for n, row in enumerate(page.locator("fieldset.doorstroom-score-row").all()):
        row.get_by_label(["2 – Half gevorderd", "3 – Gevorderd", "4 – Zeer gevorderd"][n % 3]).check()
    assert axe() == [], "step 7"
    _top(page, shot, "77-stap-competenties")

    # 8 Stages, werkervaring en trainingen.
    _verder(page, "Stages, werkervaring en trainingen")
    page.get_by_test_id("add-row-stages").click()
    page.get_by_label("Bedrijf").fill("Zorgcentrum Het Anker")
    page.get_by_label("Plaats", exact=True).fill("Den Haag")
    page.get_by_label("Werkzaamheden").fill("Helpen bij de maaltijden en activiteiten")
    page.get_by_label("Periode").fill("maart 2026, twee weken")
    assert axe() == [], "step 8"
    _top(page, shot, "78-stap-ervaring")

    # 9 Verzuim, 10 Advies mentor, 11 Akkoord.
    _verder(page, "Verzuim")
    page.get_by_label("Geen of nauwelijks verzuim").check()
    _top(page, shot, "79-stap-verzuim")
    _verder(page, "Advies mentor")
    page.get_by_label("Naam mentor").fill("Sanne de Vries")
    page.get_by_test_id("item-advies_opleiding").get_by_label("Ja", exact=True).check()
    page.get_by_label("Geadviseerd niveau op het mbo").select_option("3")
    page.get_by_label("Advies van de mentor").fill(
        "Gemotiveerd en zorgzaam; met taalondersteuning is niveau 3 haalbaar."
    )
    assert axe() == [], "step 10"
    _top(page, shot, "80-stap-advies")
    _verder(page, "Akkoord")
    page.get_by_test_id("item-besproken_leerling").get_by_label("Ja").check()
    page.get_by_test_id("item-besproken_ouders").get_by_label("Ja").check()
    page.get_by_label("Datum van de bespreking").fill((timezone.localdate() - datetime.timedelta(days=5)).isoformat())
    page.get_by_test_id("item-akkoord_leerling").get_by_label("Ja").check()
    assert axe() == [], "step 11"
    _top(page, shot, "81-stap-akkoord")

    # Opslaan: fully filled in, with the PDF offered (a pop-up).
    page.get_by_test_id("form-save").click()
    dialog = page.locator("#voroc-modal")
    expect(dialog.get_by_text("Het doorstroomformulier is volledig ingevuld")).to_be_visible()
    expect(dialog.get_by_test_id("result-pdf")).to_be_visible()
    assert axe("#voroc-modal") == [], "saved pop-up"
    shot("82-volledig-ingevuld")
    form = Formulier.objects.get(pupil=pupil)
    assert form.state == Formulier.State.COMPLEET and form.answers["doelgroep"] == "isk"
    assert form.answers["stages"][0]["bedrijf"] == "Zorgcentrum Het Anker" and len(form.answers) > 35
    with page.expect_download() as download_info:
        dialog.get_by_test_id("result-pdf").click()
    saved = SCREENSHOTS / "83-formulier.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    dialog.get_by_role("button", name="OK").click()
    expect(dialog).to_be_hidden()

    # Back in the overview the icon says complete (a mentor does not approve).
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerling overzicht").click()
    row = page.get_by_test_id("pupil-row").filter(has_text=pupil.sort_name)
    expect(row.get_by_test_id("form-icon")).to_have_attribute("data-state", "compleet")


def test_the_decaan_approves_and_the_mbo_reads_what_was_sent(page, demo_live, demo_pw, axe, shot, eager):
    form = Formulier.objects.filter(
        state=Formulier.State.COMPLEET, pupil__aanmeldingen__mbo_school__code="25AA", pupil__school__code="00AA"
    ).first()
    pupil = form.pupil
    login(page, demo_live.url, "decaan.vo1", demo_pw)
    page.goto(f"{demo_live.url}/leerlingen/{pupil.pk}/")
    expect(page.get_by_test_id("form-panel")).to_contain_text("Compleet, nog niet geaccordeerd")
    shot("84-leerling-formulier")
    page.get_by_test_id("form-view-link").click()
    assert axe() == [], "read-only form"
    shot("85-bekijken-accorderen")
    # Accorderen sends at once: a pop-up says where to, and asks first.
    page.get_by_test_id("approve").click()
    dialog = page.locator("#voroc-modal")
    expect(dialog.get_by_test_id("approve-schools")).to_contain_text("MBO1 – ROC Haaglanden-Zuid")
    assert axe("#voroc-modal") == [], "approve pop-up"
    shot("85b-accorderen-vragen")
    dialog.get_by_role("button", name="Accorderen en verzenden").click()
    expect(page.get_by_test_id("status-line")).to_contain_text("Verzonden naar het mbo")
    expect(page.get_by_test_id("versions")).to_contain_text("MBO1 – ROC Haaglanden-Zuid")
    shot("86-verzonden")
    # A correction is asked for in a pop-up first.
    page.get_by_test_id("correct").click()
    expect(dialog.get_by_test_id("correction-form")).to_contain_text("blijft zoals hij is")
    assert axe("#voroc-modal") == [], "correction pop-up"
    shot("86b-correctie-vragen")
    dialog.get_by_role("button", name="Annuleer").click()
    expect(dialog).to_be_hidden()
    # Mailing the form to the pupil, from the pupil's page: a click on the e-mail address (the handleiding's way).
    page.goto(f"{demo_live.url}/leerlingen/{pupil.pk}/")
    page.get_by_test_id("pupil-email").click()
    expect(dialog.get_by_test_id("mail-form")).to_contain_text(pupil.email)
    assert axe("#voroc-modal") == [], "mail pop-up"
    shot("86c-mailen-vragen")
    dialog.get_by_role("button", name="Mailen").click()
    expect(page.get_by_text("wordt als pdf gemaild naar")).to_be_visible()
    # All complete forms of the school as one ZIP, made in the background.
    page.goto(f"{demo_live.url}/leerlingen/?groep=alle")
    page.get_by_test_id("download-forms").click()
    expect(page.get_by_test_id("export-download")).to_be_visible(timeout=60_000)
    assert axe() == [], "bundle ready"
    shot("86d-formulieren-zip")

    page.get_by_role("button", name="Uitloggen").click()
    login(page, demo_live.url, "roc.mbo1", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanmeldingen").click()
    page.get_by_label("Zoek op naam").fill(pupil.achternaam)
    page.get_by_role("button", name="Zoeken").click()
    row = page.get_by_test_id("mbo-row").filter(has_text=pupil.sort_name)
    expect(row.get_by_test_id("mbo-form")).to_contain_text("ontvangen")
    assert axe() == [], "mbo list"
    shot("87-mbo-aanmeldingen")
    row.get_by_role("link", name=pupil.sort_name).click()
    expect(page.get_by_test_id("received-versions")).to_contain_text("Versie 1")
    expect(page.get_by_test_id("form-document")).to_contain_text("Aandachtspunten")
    assert axe() == [], "mbo reads the form"
    shot("88-mbo-formulier")


def test_on_a_phone_the_form_does_not_scroll_sideways(page, demo_live, demo_pw, shot):
    page.set_viewport_size({"width": 400, "height": 800})
    pupil = _pupil_without_form()
    login(page, demo_live.url, "mentor.vo1", demo_pw)
    for step in ("vooropleiding", "competenties", "ervaring"):
        page.goto(f"{demo_live.url}/leerlingen/{pupil.pk}/doorstroomformulier/?stap={step}")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (step, widths)
        expect(page.locator("#stap-titel")).to_contain_text(re.compile(r"Stap \d+ van \d+"))
        shot(f"89-smal-{step}")
    # The list of steps is at the top, folded: one tap opens it, one more goes to a step.
    toggle = page.get_by_test_id("steps-toggle")
    assert toggle.bounding_box()["y"] < page.locator("#stap-titel").bounding_box()["y"]
    expect(page.get_by_test_id("nav-competenties")).to_be_hidden()
    toggle.click()
    expect(page.get_by_test_id("nav-competenties")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shot("89-smal-stappenlijst")
    page.get_by_test_id("nav-competenties").click()
    expect(page.locator("#stap-titel")).to_contain_text("Competenties")


def test_what_goes_wrong_is_said_and_the_zorgcoordinator_reads_the_other_steps(
    page, demo_live, demo_pw, axe, shot, tmp_path
):
    pupil = _pupil_without_form()
    login(page, demo_live.url, "decaan.vo1", demo_pw)
    page.goto(f"{demo_live.url}/leerlingen/{pupil.pk}/doorstroomformulier/?stap=akkoord")
    # A date that does not exist and a file that is no PDF: both said, what was typed stays.
    page.get_by_label("Datum van de bespreking").evaluate(
        "el => el.type = 'text'"
    )  # as a browser without a date picker
    page.get_by_label("Datum van de bespreking").fill("31-02-2027")
    page.get_by_label("Overige opmerkingen voor het mbo").fill("Graag een warme overdracht.")
    fake = tmp_path / "opp.pdf"
    fake.write_bytes(b"Dit is geen pdf")
    page.get_by_label("Overige bijlagen: kies een pdf-bestand").set_input_files(str(fake))
    page.get_by_test_id("form-save").click()
    expect(page.get_by_test_id("upload-error")).to_contain_text("“opp.pdf” is geen pdf-bestand")
    expect(page.get_by_label("Overige opmerkingen voor het mbo")).to_have_value("Graag een warme overdracht.")
    page.goto(f"{demo_live.url}/leerlingen/{pupil.pk}/doorstroomformulier/?stap=akkoord")
    expect(page.get_by_label("Datum van de bespreking")).to_have_value("31-02-2027")
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_test_id("nav-akkoord")).to_contain_text("controleer")
    # Every step in the list keeps its title and its percentage or "controleer" inside its button.
    overflowing = page.locator(".doorstroom-step").evaluate_all(
        "els => els.filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1).map(el => el.innerText)"
    )
    assert overflowing == []
    assert axe() == [], "errors on a step"
    _top(page, shot, "90-fouten-gemeld")

    page.get_by_role("button", name="Uitloggen").click()
    login(page, demo_live.url, "zorg.vo1", demo_pw)
    page.goto(f"{demo_live.url}/leerlingen/{pupil.pk}/doorstroomformulier/?stap=akkoord")
    expect(page.get_by_test_id("step-read-only")).to_contain_text("zorgstappen")
    expect(page.get_by_test_id("item-opmerkingen")).to_contain_text("Graag een warme overdracht.")
    assert axe() == [], "a step the zorgcoördinator reads"
    _top(page, shot, "91-zorg-leest")
    page.get_by_test_id("nav-ondersteuning").click()
    expect(page.get_by_label("Welke hulpmiddelen of faciliteiten gebruikt de leerling?")).to_be_hidden()
    page.get_by_test_id("item-dyslexieverklaring").get_by_label("Ja").check()
    expect(page.get_by_label("Welke hulpmiddelen of faciliteiten gebruikt de leerling?")).to_be_visible()
    _top(page, shot, "92-zorg-vult-zorgstap-in")


def test_without_consent_the_approval_pop_up_says_why_and_the_mbo_reads_extra_aandacht(
    page, demo_live, demo_pw, axe, shot, eager
):
    from doorstroom.models import Snapshot
    from doorstroom.services import refresh_state
    from students.aanmeldingen import set_extra_aandacht

    form = Formulier.objects.filter(
        state=Formulier.State.COMPLEET, pupil__aanmeldingen__mbo_school__code="25AA", pupil__school__code="00AA"
    ).first()
    form.answers = {**form.answers, "akkoord_leerling": "nee", "akkoord_toelichting": "De ouders willen eerst praten."}
    refresh_state(form, changed=True, by=None)
    form.save()
    login(page, demo_live.url, "decaan.vo1", demo_pw)
    page.goto(f"{demo_live.url}/leerlingen/{form.pupil_id}/doorstroomformulier/bekijken/")
    expect(page.get_by_test_id("consent-notice")).to_contain_text("geen toestemming")
    page.get_by_test_id("approve").click()
    dialog = page.locator("#voroc-modal")
    refused = dialog.get_by_test_id("approve-refused")
    expect(refused).to_contain_text(
        "De leerling en de ouders hebben (nog) geen toestemming gegeven voor het doorsturen naar het mbo. "
        "Zonder toestemming wordt het formulier niet verstuurd."
    )
    expect(dialog.get_by_role("button", name="Accorderen en verzenden")).to_have_count(0)
    assert axe("#voroc-modal") == [], "approve pop-up without consent"
    shot("85c-accorderen-zonder-toestemming")
    dialog.get_by_role("button", name="Sluiten", exact=True).click()
    expect(dialog).to_be_hidden()

    # A form sent with consent to roc.mbo1's school: that school reads the pupil's extra aandacht.
    sent = Snapshot.objects.filter(deliveries__mbo_school__code="25AA", form__pupil__school__code="00AA").first()
    pupil = sent.form.pupil
    set_extra_aandacht(pupil=pupil, text="Twijfelt tussen zorg en techniek; graag een extra loopbaangesprek.", by=None)
    page.goto(f"{demo_live.url}/leerlingen/{pupil.pk}/")
    expect(page.get_by_test_id("extra-aandacht-passed-on")).to_contain_text(
        "Doorgegeven aan MBO1 – ROC Haaglanden-Zuid op"
    )
    page.get_by_role("button", name="Uitloggen").click()
    login(page, demo_live.url, "roc.mbo1", demo_pw)
    page.goto(f"{demo_live.url}/mbo/leerlingen/{pupil.pk}/")
    card = page.get_by_test_id("received-extra-aandacht")
    expect(card).to_contain_text("extra loopbaangesprek")
    expect(card).to_contain_text("Doorgegeven door")
    expect(page.get_by_test_id("received-consent")).to_contain_text("Toestemming voor doorsturen: gegeven door")
    assert axe() == [], "mbo reads extra aandacht"
    shot("88b-mbo-extra-aandacht")
