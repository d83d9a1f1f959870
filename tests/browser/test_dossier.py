"""The pupil's own dossier in a browser (seed digitaal-doorstroomdossier-handleiding, steps 6–21): leerling.vo1 on a
375 px phone starts a new VO-MBO dossier (their answers taken over from the one they started), goes through every
page with the list of pages and their percentages, adds a stage, finds school, location and opleiding by typing, and
sends part A to their mentor; mentor.vo1 on a laptop reads it, says eens or oneens per page, fills in part B and sends
it back; the pupil gets the mail that says what to do next, and gives the akkoordverklaring on the phone (the
akkoord's own screens are looked at in test_dossier_akkoord.py)."""

import re

from django.core import mail
from playwright.sync_api import expect

from doorstroom.declaration import CHOICE, DATE, MULTICHOICE, NUMBER, ROWS, SCORE, TEXT, TEXTAREA, YESNO
from dossier.akkoord import needs_parent
from dossier.models import Dossier

from .helpers import PHONE, login

LAPTOP = {"width": 1366, "height": 768}


def answer_shown_questions(page, step) -> None:
    """Answer every question of the page that is shown and still empty, as a pupil would: typing, ticking, choosing
    (twice over: an answer can show another question)."""
    for _round in range(2):
        for fld in step.fields:
            name = f"a-{fld.key}"
            # A block of scores is one item (named after its first competence): look at the question's own inputs.
            item = (
                page.locator(f'[name="{name}"]').first if fld.type == SCORE else page.get_by_test_id(f"item-{fld.key}")
            )
            if item.count() and item.is_visible() and fld.type != ROWS:
                answer(page, fld, name)


def answer(page, fld, name: str) -> None:
    if fld.type in (TEXT, TEXTAREA, NUMBER, DATE):
        box = page.locator(f'[name="{name}"]')
        if not box.input_value():
            box.fill({NUMBER: "3", DATE: "2011-03-14"}.get(fld.type, f"Mijn antwoord bij {fld.label.lower()}"))
    elif fld.type == CHOICE and fld.widget == "select":
        select = page.locator(f'select[name="{name}"]')
        if not select.input_value():
            select.select_option(index=1)
    elif not page.locator(f'[name="{name}"]:checked').count():
        if fld.type == MULTICHOICE:
            value = "geen" if "geen" in dict(fld.choices) else fld.choices[0][0]
        else:
            value = {YESNO: "nee", SCORE: "3"}.get(fld.type, fld.choices[0][0])
        page.locator(f'[name="{name}"][value="{value}"]').check()


def test_a_pupil_fills_in_part_a_on_a_phone_and_the_mentor_part_b_on_a_laptop(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    demo_dossier = Dossier.objects.get(account__user__username="leerling.vo1")

    # Step 5–7: log in on the phone, "Nieuw dossier", the three kinds, "Dossier starten".
    page.set_viewport_size(PHONE)
    login(page, base, "leerling.vo1", demo_pw)
    expect(page.get_by_test_id(f"dossier-{demo_dossier.pk}")).to_contain_text(f"{demo_dossier.percent}% ingevuld")
    assert axe() == [], "pupil home with a dossier"
    shot("181-leerling-mijn-dossiers-375")
    page.get_by_test_id("new-dossier").first.click()
    expect(page.get_by_role("heading", name="VO-MBO dossier")).to_be_visible()
    expect(page.get_by_label("Je antwoorden overnemen")).to_have_value(str(demo_dossier.pk))
    assert axe() == [], "nieuw dossier"
    shot("182-leerling-nieuw-dossier-375")
    page.get_by_test_id("start-vo-mbo").click()

    dossier = Dossier.objects.exclude(pk=demo_dossier.pk).get(account__user__username="leerling.vo1")
    spec = dossier.spec
    # Step 8: the first page, name and e-mail filled in, the BSN only "bekend bij je school"; the page list folded
    # away above the page on a phone, one tap away.
    expect(page.get_by_role("heading", name=re.compile("Persoonlijke gegevens"))).to_be_visible()
    expect(page.get_by_text("bekend bij je school")).to_be_visible()
    expect(page.get_by_test_id("page-percent")).to_have_text("100% ingevuld")  # taken over from the first dossier
    page.get_by_test_id("pages-toggle").click()
    expect(page.get_by_test_id("nav-competenties")).to_be_visible()
    assert axe() == [], "persoonlijke gegevens"
    shot("183-dossier-persoonlijke-gegevens-375")
    page.get_by_test_id("pages-toggle").click()

    # Steps 9–16, page by page with "Volgende".
    for step in spec.pages[1:]:
        page.get_by_test_id("page-next").click()
        expect(page.get_by_role("heading", name=re.compile(re.escape(step.title)))).to_be_visible()
        if step.key == "ervaring":  # step 12: "stage toevoegen" opens the fields of a stage
            page.get_by_test_id("add-row-stages").click()
            page.get_by_label("Naam van het bedrijf").first.fill("Hotel Des Indes")
            page.get_by_label("Plaats").first.fill("Den Haag")
            page.get_by_label("Wat deed je daar?").first.fill("Meehelpen in de keuken")
            shot("185-dossier-stage-toevoegen-375")
        elif step.key == spec.choice.key:  # step 14: school, location, opleiding, found by typing
            page.get_by_test_id("search-school").press_sequentially("roc", delay=60)
            expect(page.get_by_test_id("schools-found")).to_be_visible()
            page.get_by_test_id("schools-found").get_by_role("button").first.click()
            page.get_by_test_id("locations").get_by_role("button").first.click()
            expect(page.get_by_test_id("opleidingen-found")).to_be_visible()
            page.get_by_test_id("opleidingen-found").get_by_role("button").first.click()
            expect(page.get_by_test_id("choice-summary")).to_be_visible()
            assert axe() == [], "vervolgkeuze"
            shot("186-dossier-vervolgkeuze-375")
            page.get_by_test_id("confirm-choice").click()
            expect(page.get_by_test_id("choice-confirmed")).to_be_visible()
        else:
            answer_shown_questions(page, step)
        if step.key == "competenties":
            assert axe() == [], "competenties"
            shot("184-dossier-competenties-375")
    # Step 16: everything at 100 % (the page's own percentage follows the typing), "Opsturen naar mentor".
    expect(page.get_by_test_id("page-percent")).to_have_text("100% ingevuld")
    shot("187-dossier-laatste-bladzijde-375")
    page.get_by_test_id("to-mentor").click()

    # Step 17: the mentor from the list of the pupil's own group.
    page.get_by_label("Kies je mentor").select_option(label="Sanne de Vries")
    assert axe() == [], "opsturen naar mentor"
    shot("188-dossier-opsturen-naar-mentor-375")
    page.get_by_test_id("send-dossier").click()
    expect(page.get_by_test_id("at-mentor")).to_contain_text("Sanne de Vries")
    shot("189-leerling-dossier-bij-mentor-375")
    page.get_by_role("button", name="Uitloggen").click()

    # Step 18: the mentor, on a laptop, from the Melding to part B.
    page.set_viewport_size(LAPTOP)
    login(page, base, "mentor.vo1", demo_pw)
    page.get_by_role("link", name=re.compile("vul het mentordeel in")).first.click()
    expect(page.get_by_role("heading", name="Deel A van de leerling")).to_be_visible()
    for read in page.locator('[data-testid^="read-"]').all():
        read.get_by_label("Eens", exact=True).check()
    page.get_by_label("Opmerking (verplicht bij oneens)").last.fill("Goed over nagedacht.")
    assert axe() == [], "mentordeel: deel A lezen"
    shot("189a-mentordeel-deel-a-1366")
    for step in spec.part_b.steps:
        page.get_by_test_id("mentor-next").click()
        expect(page.get_by_role("heading", name=re.compile(re.escape(step.title)))).to_be_visible()
        answer_shown_questions(page, step)
    expect(page.get_by_test_id("mentor-last")).to_be_visible()
    page.get_by_test_id("mentor-save").click()
    expect(page.get_by_test_id("return-to-pupil")).to_be_visible()
    assert axe() == [], "mentordeel: laatste onderdeel"
    shot("189b-mentordeel-terugsturen-1366")
    page.get_by_test_id("return-to-pupil").click()
    expect(page.get_by_test_id("mentor-returned")).to_be_visible()

    # Step 19: the pupil's mail says what to do next.
    dossier.refresh_from_db()
    assert dossier.state == "akkoord" and dossier.verdicts["motivatie"]["opmerking"] == "Goed over nagedacht."
    [message] = [m for m in mail.outbox if dossier.account.user.email in m.to]
    assert "Start akkoordverklaring" in message.body
    page.get_by_role("button", name="Uitloggen").click()

    # Steps 20–21: on the phone again, "Start akkoordverklaring", the statements (and a parent below 16), "Akkoord".
    page.set_viewport_size(PHONE)
    login(page, base, "leerling.vo1", demo_pw)
    page.get_by_test_id(f"start-akkoord-{dossier.pk}").click()
    for box in page.get_by_test_id("statement").all():
        box.check()
    if needs_parent(dossier):
        page.get_by_label("Naam van je ouder of verzorger").fill("Fatima Azzouzi")
        page.get_by_label("Wie is dit?").select_option("moeder")
    page.get_by_test_id("give-akkoord").click()
    expect(page.get_by_test_id("akkoord-sent")).to_contain_text("uitnodiging voor een intakegesprek")
    consent = dossier.consents.get()
    assert consent.mbo_school == dossier.mbo_school and consent.declaration == dossier.declaration
