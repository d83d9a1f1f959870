import base64
import re

from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.models import User

from .helpers import login


def test_decaan_logs_in_lands_on_meldingen_and_uses_mijn_profiel(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/inloggen/"))
    assert axe() == [], "login page"
    shot("01-login")

    # A wrong password: one message, nothing about which part was wrong.
    login(page, base, "decaan.vo1", "verkeerd-wachtwoord1")
    expect(page.get_by_test_id("login-error")).to_have_text("De combinatie van loginnaam en wachtwoord is onjuist.")
    shot("02-login-wrong")

    login(page, base, "decaan.vo1", demo_pw)
    expect(page).to_have_url(re.compile(r"/meldingen/$"))
    expect(page.get_by_role("heading", name="Meldingenoverzicht")).to_be_visible()
    expect(page.get_by_role("link", name="Leerling overzicht")).to_be_visible()
    assert axe() == [], "landing page"
    shot("03-meldingen")

    # Mijn profiel opens as a pop-up with the school and login name read-only.
    page.get_by_test_id("tab-profiel").click()
    dialog = page.locator("#voroc-modal")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("profile-brin")).to_have_text("00AA")
    expect(dialog.get_by_test_id("profile-username")).to_have_text("decaan.vo1")
    assert axe("#voroc-modal") == [], "profile pop-up"
    shot("04-mijn-profiel")

    # Annuleer discards what was typed.
    dialog.get_by_label("Voornaam").fill("Gewijzigd")
    dialog.get_by_role("button", name="Annuleer").click()
    expect(dialog).to_be_hidden()
    page.get_by_test_id("tab-profiel").click()
    expect(dialog.get_by_label("Voornaam")).to_have_value("Mohamed")

    # So does the X in the corner.
    dialog.get_by_label("Achternaam").fill("Anders")
    dialog.get_by_role("button", name="Sluiten zonder op te slaan").click()
    expect(dialog).to_be_hidden()
    page.get_by_test_id("tab-profiel").click()
    expect(dialog.get_by_label("Achternaam")).to_have_value("Amrani")

    # An invalid e-mail address is refused in Dutch, inside the pop-up.
    dialog.get_by_label("E-mailadres").fill("geen-adres")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(dialog.get_by_text("Vul een geldig e-mailadres in")).to_be_visible()
    shot("05-mijn-profiel-fout")

    # Opslaan keeps the change, closes the pop-up and says so.
    dialog.get_by_label("E-mailadres").fill("m.amrani@vo1.example")
    dialog.get_by_label("Telefoon").fill("070-7654321")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#voroc-toasts")).to_contain_text("Uw gegevens zijn opgeslagen.")
    shot("06-opgeslagen")
    user = User.objects.get(username="decaan.vo1")
    assert (user.telefoon, user.email, user.voornaam) == ("070-7654321", "m.amrani@vo1.example", "Mohamed")

    # Verander wachtwoord is reached from the profile.
    page.get_by_test_id("tab-profiel").click()
    dialog.get_by_test_id("change-password-link").click()
    expect(dialog.get_by_label("Huidig wachtwoord")).to_be_visible()
    dialog.get_by_label("Huidig wachtwoord").fill(demo_pw)
    dialog.locator("input[name=new_password1]").fill("alleenletters")
    dialog.get_by_label("Herhaal nieuw wachtwoord").fill("alleenletters")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(dialog.get_by_text("zowel letters als cijfers").first).to_be_visible()
    assert axe("#voroc-modal") == [], "password pop-up"
    shot("07-verander-wachtwoord")


def test_other_screens_look_right(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    login(page, base, "beheerder.vo1", demo_pw)
    page.get_by_role("link", name="Oud leerlingen").click()
    expect(page.get_by_role("heading", name="Oud leerlingen")).to_be_visible()
    assert axe() == [], "oud leerlingen"

    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.get_by_label("Loginnaam").fill("decaan.vo1")
    page.get_by_role("button", name="Stuur mij een link").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    assert axe() == [], "reset sent"
    shot("09-wachtwoord-vergeten-verstuurd")

    # The servicedesk must set up its authenticator first.
    login(page, base, "servicedesk", demo_pw)
    expect(page).to_have_url(re.compile(r"/tweestapsverificatie/instellen/"))
    expect(page.get_by_test_id("otp-secret")).to_be_visible()
    assert axe() == [], "otp setup"
    shot("10-tweestapsverificatie-instellen")
    # What an authenticator app does with the key: compute the current code.
    key = base64.b32decode(page.get_by_test_id("otp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code uit uw authenticator-app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Instellen").click()
    expect(page).to_have_url(re.compile(r"/beheer/$"))
    shot("16-beheer")
    page.get_by_role("row", name="Gebruikers").get_by_role("link", name="Gebruikers").click()
    shot("17-beheer-gebruikers")
    expect(page.get_by_role("link", name="decaan.vo1")).to_be_visible()


def test_first_login_checks_personal_data(page, demo_live, demo_pw, axe, shot):
    User.objects.filter(username="mentor.vo1").update(profile_checked_at=None, telefoon="")
    login(page, demo_live.url, "mentor.vo1", demo_pw)
    expect(page).to_have_url(re.compile(r"/profiel/controleren/"))
    expect(page.get_by_role("link", name="Leerling overzicht")).to_have_count(0)
    assert axe() == [], "profile check"
    shot("11-eerste-keer-inloggen")
    page.get_by_role("button", name="Gegevens bevestigen").click()
    expect(page).to_have_url(re.compile(r"/meldingen/$"))
    expect(page.get_by_text("uw gegevens zijn bevestigd")).to_be_visible()


def test_lockout_page(page, demo_live, demo_pw, shot, axe):
    for _ in range(5):
        login(page, demo_live.url, "zorg.vo1", "verkeerd-wachtwoord1")
    login(page, demo_live.url, "zorg.vo1", demo_pw)
    expect(page.get_by_test_id("lockout")).to_contain_text("15 minuten geblokkeerd")
    assert axe() == [], "lockout"
    shot("12-geblokkeerd")


def test_narrow_window_folds_the_tabs_into_a_menu(page, demo_live, demo_pw, axe, shot):
    page.set_viewport_size({"width": 400, "height": 800})
    login(page, demo_live.url, "beheerder.vo1", demo_pw)
    tabs = page.get_by_role("link", name="Groepen")
    expect(tabs).to_be_hidden()
    shot("13-smal-menu-dicht")
    page.get_by_role("button", name="Menu").click()
    expect(tabs).to_be_visible()
    assert axe() == [], "narrow page with menu open"
    shot("14-smal-menu-open")
    # Mijn profiel opened as a page of its own (a typed address) is laid out like the pop-up.
    page.goto(f"{demo_live.url}/profiel/")
    expect(page.get_by_role("heading", name="Mijn profiel")).to_be_visible()
    page.get_by_role("link", name="Annuleer").click()
    expect(page).to_have_url(re.compile(r"/meldingen/$"))


def test_profile_as_a_page(page, demo_live, demo_pw, shot):
    login(page, demo_live.url, "gemeente.denhaag", demo_pw)
    page.goto(f"{demo_live.url}/profiel/")
    shot("15-mijn-profiel-als-pagina")
    page.get_by_label("Telefoon").fill("070-3534000")
    page.get_by_role("button", name="Opslaan").click()
    expect(page).to_have_url(re.compile(r"/meldingen/$"))
    expect(page.get_by_text("Uw gegevens zijn opgeslagen.")).to_be_visible()
    assert User.objects.get(username="gemeente.denhaag").telefoon == "070-3534000"
