"""The schoolbeheerder logs in with a code, reads the Logboek; the servicedesk makes an inzage and removes a pupil."""

import io
import json
import re
import zipfile

from playwright.sync_api import expect

from students.models import Pupil

from .helpers import authenticator_for, current_code, login


def test_schoolbeheerder_reads_who_saw_and_changed_a_pupil(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    pupil = Pupil.objects.filter(school__code="00AA", group__name="4A").order_by("achternaam").first()
    login(page, base, "decaan.vo1", demo_pw)
    page.goto(f"{base}/leerlingen/{pupil.pk}/")
    page.get_by_role("button", name="Uitloggen").click()

    login(page, base, "beheerder.vo1", demo_pw)  # with the code from the authenticator app
    expect(page.get_by_role("heading", name="Meldingenoverzicht")).to_be_visible()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Logboek").click()
    rows = page.get_by_test_id("logboek-row")
    expect(rows.filter(has_text=pupil.full_name).first).to_be_visible()
    expect(rows.filter(has_text="Leerlingpagina").first).to_be_visible()  # the screen by its name, not its code
    # The lists (Meldingen, the overview) stay out until asked for.
    expect(page.get_by_test_id("lists-hidden")).to_be_visible()
    expect(rows.filter(has_text="In een lijst bekeken")).to_have_count(0)
    assert axe() == [], "logboek"
    shot("60-logboek")
    page.get_by_label("Handeling").select_option(label="Alles, ook lijsten")
    expect(rows.filter(has_text="In een lijst bekeken").first).to_be_visible()
    page.get_by_label("Wie").select_option(label="Mohamed el Amrani")
    expect(rows.filter(has_text="Ingrid Bakker")).to_have_count(0)
    assert axe() == [], "logboek, filtered"
    shot("60b-logboek-alles-van-een-persoon")

    rows.filter(has_text=pupil.full_name).first.get_by_role("link", name=pupil.full_name).click()
    expect(page.get_by_role("heading", name=f"Logboek van {pupil.full_name}")).to_be_visible()
    expect(page.get_by_test_id("logboek-row").filter(has_text="Bekeken").first).to_be_visible()
    assert axe() == [], "logboek of one pupil"
    shot("61-logboek-leerling")

    page.get_by_test_id("tab-profiel").click()
    expect(page.locator("#voroc-modal").get_by_test_id("second-factor")).to_contain_text(
        "Tweestapsverificatie staat aan"
    )
    shot("62-profiel-tweestapsverificatie")


def test_servicedesk_downloads_an_inzage_and_removes_a_pupil(page, demo_live, demo_pw, shot):
    base = demo_live.url
    from accounts.models import User

    device = authenticator_for(User.objects.get(username="servicedesk"))
    pupil = Pupil.objects.filter(school__code="00AA").order_by("pk").first()
    name = pupil.full_name
    login(page, base, "servicedesk", demo_pw)
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(device))
    page.get_by_role("button", name="Bevestigen").click()
    page.goto(f"{base}/beheer/students/pupil/{pupil.pk}/change/")
    shot("63-beheer-leerling-avg-knoppen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Inzage downloaden (AVG)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert json.loads(archive.read("inzage.json"))["leerling"][0]["achternaam"] == pupil.achternaam

    page.get_by_role("link", name="Volledig verwijderen (AVG)").click()
    expect(page.get_by_text("Dit kan niet ongedaan worden gemaakt.")).to_be_visible()
    shot("64-beheer-volledig-verwijderen")
    page.get_by_label(re.compile("Typ ter bevestiging")).fill(str(pupil.pk))
    page.get_by_role("button", name="Ja, volledig verwijderen").click()
    expect(page.get_by_text(f"{name} is volledig verwijderd.")).to_be_visible()
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
