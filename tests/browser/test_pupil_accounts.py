"""A pupil makes an account with the school's code on a phone (375 px): the decaan makes the code, the pupil registers
with a date of birth the school does not have, confirms the e-mail address and chooses a password; the registration
waits for the decaan, who picks the pupil on a laptop; then the pupil logs in to their own dossier home."""

import datetime
import re

from django.core import mail
from playwright.sync_api import expect

from students.models import Pupil

from .helpers import PHONE, login

LAPTOP = {"width": 1366, "height": 768}
PASSWORD = "Herfst-vakantie-2026"


def test_a_pupil_registers_with_the_school_code_on_a_phone_and_the_decaan_confirms(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    pupil = Pupil.objects.filter(school__code="00AA", group__name="4B", account__isnull=True).order_by("pk").first()

    # The decaan makes the school's code.
    login(page, base, "decaan.vo1", demo_pw)
    page.goto(f"{base}/leerlingen/")
    page.get_by_test_id("pupil-accounts").click()
    page.get_by_test_id("create-code").click()
    code = page.get_by_test_id("school-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert axe() == [], "Leerlingaccounts"
    shot("170-leerlingaccounts-code")
    page.get_by_role("button", name="Uitloggen").click()

    # The pupil, on a phone: from the login page to the registration with the code.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/inloggen/")
    page.get_by_role("link", name="Maak je account met de code van je school").click()
    expect(page.get_by_role("heading", name="Account maken met de code van je school")).to_be_visible()
    page.get_by_role("button", name="Verder").click()  # nothing filled in: every field says what is missing
    expect(page.get_by_text("Vul de code van je school in.")).to_be_visible()
    assert axe() == [], "registration with errors"
    shot("171-leerling-registreren-fouten-375")
    page.get_by_label("Schooluitnodigingscode").fill(code.lower().replace("-", " "))
    page.get_by_label("Voornaam").fill(pupil.voornaam.upper())
    page.get_by_label("Achternaam").fill(f"{pupil.tussenvoegsel} {pupil.achternaam}".strip())
    wrong_date = pupil.geboortedatum + datetime.timedelta(days=1)  # not the date the school has
    page.get_by_label("Geboortedatum").fill(wrong_date.isoformat())
    page.get_by_label("E-mailadres").fill("nieuwe.leerling@example.com")
    shot("172-leerling-registreren-375")
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_test_id("registration-sent")).to_be_visible()
    assert axe() == [], "check your e-mail"
    shot("173-leerling-kijk-in-je-mail-375")

    [message] = [m for m in mail.outbox if "nieuwe.leerling@example.com" in m.to]
    link = re.search(r"https?://\S+(/leerling/bevestigen/\S+/)", message.body).group(1)
    page.goto(f"{base}{link}")
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_label("Herhaal je wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_test_id("registration-waits")).to_be_visible()
    username = page.get_by_test_id("username").inner_text()
    assert axe() == [], "almost done"
    shot("174-leerling-bijna-klaar-375")

    # The decaan, on a laptop: the melding, the short list, the pupil picked.
    page.set_viewport_size(LAPTOP)
    login(page, base, "decaan.vo1", demo_pw)
    expect(page.get_by_text("Een leerling heeft een account aangemaakt met de schooluitnodigingscode")).to_be_visible()
    page.goto(f"{base}/leerlingaccounts/")
    page.get_by_test_id("waiting-registration").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Wie is deze leerling?")).to_be_visible()
    page.get_by_label(re.compile(re.escape(pupil.sort_name))).check()
    assert axe() == [], "confirm registration"
    shot("175-decaan-registratie-bevestigen")
    page.get_by_test_id("confirm-registration").click()
    expect(page.get_by_text(f"Het account is gekoppeld aan {pupil.full_name}")).to_be_visible()
    expect(page.get_by_test_id("no-waiting")).to_be_visible()
    shot("176-decaan-registratie-bevestigd")
    page.goto(f"{base}/leerlingen/{pupil.pk}/")
    expect(page.get_by_test_id("pupil-account-state")).to_contain_text("actief")
    page.get_by_role("button", name="Uitloggen").click()

    # The pupil logs in on the phone and lands on their own dossier home.
    page.set_viewport_size(PHONE)
    login(page, base, username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/leerling/$"))
    expect(page.get_by_test_id("pupil-name")).to_have_text(pupil.full_name)
    expect(page.get_by_test_id("no-dossiers")).to_be_visible()
    assert axe() == [], "pupil home"
    shot("177-leerling-mijn-doorstroomdossier-375")
    page.goto(f"{base}/meldingen/")
    expect(page.get_by_role("heading", name=re.compile("niet gevonden|bestaat niet", re.I))).to_be_visible()


def test_the_mentor_invites_a_pupil_from_the_pupil_page_and_the_group_from_the_overview(
    page, demo_live, demo_pw, axe, shot
):
    base = demo_live.url
    pupils = list(Pupil.objects.filter(school__code="00AA", group__name="4A", account__isnull=True).order_by("pk")[:1])
    pupil = pupils[0]
    login(page, base, "mentor.vo1", demo_pw)
    page.goto(f"{base}/leerlingen/{pupil.pk}/")
    expect(page.get_by_test_id("pupil-account-state")).to_contain_text("Nog geen account")
    page.get_by_test_id("invite-pupil").click()
    dialog = page.locator("#voroc-modal")
    expect(dialog.get_by_label("E-mailadres van de leerling")).to_have_value(pupil.email)
    assert axe("#voroc-modal") == [], "invite pop-up"
    shot("178-mentor-leerling-uitnodigen")
    dialog.get_by_test_id("modal-submit").click()
    expect(page.get_by_text(f"{pupil.full_name} krijgt een uitnodiging op {pupil.email}")).to_be_visible()
    expect(page.get_by_test_id("pupil-account-state")).to_contain_text("uitgenodigd")
    shot("179-mentor-leerling-uitgenodigd")

    page.goto(f"{base}/leerlingen/?groep={pupil.group_id}")
    page.get_by_test_id("group-invite").click()
    expect(dialog.get_by_test_id("group-invite-row").first).to_be_visible()
    assert axe("#voroc-modal") == [], "group invite pop-up"
    shot("180-mentor-groep-uitnodigen")
    dialog.get_by_test_id("modal-submit").click()
    expect(page.get_by_text(re.compile(r"\d+ leerlingen krijgen een uitnodiging"))).to_be_visible()
