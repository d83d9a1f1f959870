"""A decaan adds a pupil through the pop-up and places a pupil in a group, as in the handleiding."""

import re

from playwright.sync_api import expect

from accounts.models import User
from groups.models import Group
from students import bsn
from students.models import Pupil
from students.schoolyear import current_school_year

from .helpers import PHONE, assert_rows_are_cards, login


def test_decaan_adds_a_pupil_through_the_pop_up(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    login(page, base, "decaan.vo1", demo_pw)
    page.get_by_role("link", name="Leerling overzicht").click()
    expect(page.get_by_role("heading", name="Leerling overzicht")).to_be_visible()
    expect(page.get_by_test_id("pupil-count")).to_contain_text("120 leerlingen")
    assert axe() == [], "overview"
    shot("10-leerling-overzicht")

    page.get_by_test_id("add-pupil").click()
    dialog = page.locator("#voroc-modal")
    expect(dialog.get_by_role("heading", name="Leerling toevoegen")).to_be_visible()
    # A BSN that fails the elfproef is refused under the field.
    dialog.get_by_label("BSN nummer").fill("123456789")
    dialog.get_by_role("button", name="Ga verder").click()
    expect(dialog.get_by_text("voldoet niet aan de elfproef")).to_be_visible()
    shot("11-toevoegen-elfproef")

    # A pupil already in the list is named under the field.
    existing = Pupil.objects.filter(school__code="00AA").exclude(bsn_encrypted="").first()
    dialog.get_by_label("BSN nummer").fill(bsn.decrypt(existing.bsn_encrypted))
    dialog.get_by_role("button", name="Ga verder").click()
    expect(dialog.get_by_test_id("bsn-in-own-list")).to_contain_text(existing.full_name)
    assert axe("#voroc-modal") == [], "BSN step"
    shot("12-toevoegen-al-in-lijst")

    # A new BSN (8 digits: the leading zero is added) opens the rest.
    dialog.get_by_label("BSN nummer").fill("12345672")
    dialog.get_by_role("button", name="Ga verder").click()
    expect(dialog.get_by_label("Voornaam")).to_be_visible()
    expect(dialog.get_by_label("BSN nummer")).to_have_value("012345672")
    expect(dialog.get_by_label("Voornaam")).to_be_focused()  # the cursor goes on to the next field to fill
    dialog.get_by_label("Voornaam").fill("Yara")
    dialog.get_by_label("Achternaam").fill("Boukhari")
    dialog.get_by_label("Geboortedatum").fill("2010-02-03")
    dialog.get_by_label("Geslacht").select_option("v")
    dialog.get_by_label("Telefoon").fill("06-24681357")
    dialog.get_by_label("E-mailadres").fill("yara.boukhari@example.com")
    dialog.get_by_label("Straat").fill("Fahrenheitstraat")
    dialog.get_by_label("Huisnummer").fill("88a")  # the letter belongs in the toevoeging: said so, not emptied
    dialog.get_by_label("Postcode").fill("2561")  # incomplete: refused with an example
    dialog.get_by_label("Woonplaats").fill("Den Haag")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(dialog.get_by_text("Vul een Nederlandse postcode in")).to_be_visible()
    expect(dialog.get_by_text("een letter hoort bij de toevoeging")).to_be_visible()
    expect(dialog.get_by_label("Huisnummer")).to_have_value("88a")
    expect(dialog.get_by_label("Huisnummer")).to_be_focused()  # the pop-up goes to the first field to correct
    dialog.get_by_label("Huisnummer").fill("88")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(dialog.get_by_text("Vul een Nederlandse postcode in")).to_be_visible()
    expect(dialog.get_by_label("Postcode")).to_be_focused()  # the pop-up scrolls to the field to correct
    expect(dialog.get_by_label("Voornaam")).to_have_value("Yara")  # nothing typed is lost
    assert axe("#voroc-modal") == [], "data step with an error"
    shot("13-toevoegen-gegevens-fout")
    dialog.get_by_label("Postcode").fill("2561 dk")
    dialog.get_by_role("button", name="Opslaan").click()

    # After saving, the decaan lands on the pupil's page; the BSN is nowhere on it.
    expect(page.get_by_role("heading", name="Yara Boukhari")).to_be_visible()
    expect(page.get_by_text("Yara Boukhari is toegevoegd.")).to_be_visible()
    assert "012345672" not in page.content() and "12345672" not in page.content()
    assert axe() == [], "pupil page"
    shot("14-leerling-pagina")
    pupil = Pupil.objects.get(achternaam="Boukhari", voornaam="Yara")
    assert pupil.postcode == "2561 DK" and bsn.decrypt(pupil.bsn_encrypted) == "012345672"

    # "Geen BSN nummer?" and Annuleer: back to the list, nothing saved.
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Leerling overzicht").click()
    page.get_by_test_id("add-pupil").click()
    dialog.get_by_test_id("no-bsn-link").click()
    expect(dialog.get_by_test_id("no-bsn-note")).to_be_visible()
    shot("15-toevoegen-geen-bsn")
    dialog.get_by_role("button", name="Annuleer").click()
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/leerlingen/$"))
    assert Pupil.objects.filter(school__code="00AA", school_year=current_school_year()).count() == 121

    # The name opens leerlinggegevens.
    page.get_by_label("Zoek op naam").fill("Yara Boukhari")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_test_id("pupil-row")).to_have_count(1)
    page.get_by_role("link", name="Boukhari, Yara").click()
    expect(dialog.get_by_role("heading", name="Leerlinggegevens")).to_be_visible()
    expect(dialog.get_by_label("Straat")).to_have_value("Fahrenheitstraat")
    shot("16-leerlinggegevens")


def test_decaan_places_a_pupil_in_a_group_and_links_a_mentor(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    login(page, base, "decaan.vo1", demo_pw)
    page.get_by_role("link", name="Groepen").click()
    expect(page.get_by_role("heading", name="Groepen", exact=True)).to_be_visible()
    assert axe() == [], "groups page"
    shot("20-groepen")

    page.get_by_test_id("group-list").get_by_role("link", name=re.compile(r"^4C")).click()
    expect(page.get_by_role("heading", name="Groep 4C")).to_be_visible()
    unplaced = page.get_by_test_id("unplaced-list")
    first = (
        Pupil.objects.filter(school__code="00AA", school_year=current_school_year(), group__isnull=True)
        .order_by("achternaam", "voornaam")
        .first()
    )
    unplaced.get_by_label(first.sort_name).check()
    assert axe() == [], "group selected"
    shot("21-groep-indelen")
    page.get_by_test_id("save-members").click()
    expect(page.get_by_text("1 leerling in 4C geplaatst")).to_be_visible()
    expect(page.get_by_test_id("member-list").get_by_label(first.sort_name)).to_be_checked()
    first.refresh_from_db()
    assert first.group.name == "4C"
    shot("22-groep-opgeslagen")

    # Mentoren koppelen: tick mentor.vo1 for 4C; closing without Opslaan would change nothing.
    page.get_by_test_id("link-mentors").click()
    dialog = page.locator("#voroc-modal")
    expect(dialog.get_by_role("heading", name="Mentoren koppelen aan groepen")).to_be_visible()
    dialog.get_by_test_id("link-4c-mentor.vo1").check()
    assert axe("#voroc-modal") == [], "mentor links"
    shot("23-mentoren-koppelen")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De koppelingen tussen mentoren en groepen zijn opgeslagen.")).to_be_visible()
    assert set(Group.objects.filter(mentor_grants__user__username="mentor.vo1").values_list("name", flat=True)) == {
        "4A",
        "4B",
        "4C",
    }


def test_beheerder_adds_a_user(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    login(page, base, "beheerder.vo1", demo_pw)
    page.get_by_role("link", name="Gebruikers").click()
    expect(page.get_by_test_id("user-row")).to_have_count(4)
    assert axe() == [], "users page"
    shot("30-gebruikers")
    page.get_by_test_id("create-user").click()
    dialog = page.locator("#voroc-modal")
    dialog.get_by_label("Rol").select_option("mentor")
    dialog.get_by_label("Aanhef").select_option("dhr")
    dialog.get_by_label("Voornaam").fill("Youssef")
    dialog.get_by_label("Achternaam").fill("Haddou")
    dialog.get_by_label("E-mailadres").fill("y.haddou@vo1.example")
    dialog.get_by_label("Loginnaam").fill("y.haddou")
    assert axe("#voroc-modal") == [], "new user pop-up"
    shot("31-nieuwe-gebruiker")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Youssef Haddou is aangemaakt")).to_be_visible()
    expect(page.get_by_test_id("user-row")).to_have_count(5)
    shot("32-gebruiker-aangemaakt")


def test_on_a_phone_each_user_is_a_card(page, demo_live, demo_pw, axe, shot):
    page.set_viewport_size(PHONE)
    login(page, demo_live.url, "beheerder.vo1", demo_pw)
    page.goto(demo_live.url + "/gebruikers/")
    expect(page.get_by_test_id("user-row")).to_have_count(4)
    assert_rows_are_cards(page, axe, "user-table")
    shot("33-gebruikers-375")

    # The Verzuim melden switch in a mentor's card turns it on.
    assert not User.objects.get(username="mentor.vo1").verzuimmelder
    switch = page.get_by_test_id("user-row").filter(has_text="mentor.vo1").get_by_test_id("toggle-verzuimmelder")
    expect(switch).to_have_attribute("aria-pressed", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    assert User.objects.get(username="mentor.vo1").verzuimmelder
    assert_rows_are_cards(page, axe, "user-table")
    shot("34-gebruikers-verzuimmelder-375")


def test_a_decaan_follows_a_pupil_the_servicedesk_linked_to_the_school(page, demo_live, demo_pw, axe, shot):
    """The second school finds the pupil under "Gekoppelde leerlingen", as "gekoppeld vanuit" the first, and its
    page says where the pupil is enrolled; the first school's group is not offered."""
    from students.models import SchoolLink

    pupil = Pupil.objects.filter(school__code="00AA", group__isnull=False).select_related("school", "group").first()
    SchoolLink.objects.create(pupil=pupil, school=User.objects.get(username="decaan.vo2").organisation)
    login(page, demo_live.url, "decaan.vo2", demo_pw)
    page.get_by_role("link", name="Leerling overzicht").click()
    page.get_by_test_id("group-select").select_option(label="Gekoppelde leerlingen")
    expect(page.get_by_test_id("pupil-count")).to_contain_text("1 leerling · gekoppelde leerlingen")
    row = page.get_by_test_id("pupil-row")
    expect(row.get_by_test_id("linked-from")).to_contain_text(f"gekoppeld vanuit {pupil.school.name}")
    assert axe() == [], "overview, linked pupils"
    shot("15-gekoppelde-leerlingen")
    row.get_by_role("link", name=f"Open {pupil.full_name}").click()
    expect(page.get_by_test_id("linked-notice")).to_contain_text(f"staat ingeschreven bij {pupil.school.name}")
    breadcrumb = page.get_by_role("navigation", name="Kruimelpad")
    expect(breadcrumb).to_contain_text("Gekoppelde leerlingen")
    expect(breadcrumb).not_to_contain_text(pupil.group.name)
    assert axe() == [], "linked pupil's page"
    shot("16-gekoppelde-leerling")
