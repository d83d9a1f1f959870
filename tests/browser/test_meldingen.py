"""The Meldingenoverzicht with meldingen of several kinds; one opened goes to the pupil and is read."""

import datetime

from playwright.sync_api import expect

from notifications.deadlines import check_all
from notifications.models import Deadline, Melding
from students.schoolyear import current_school_year

from .helpers import login


def test_decaan_reads_meldingen_of_several_kinds(page, demo_live, demo_pw, axe, shot):
    # A passed deadline too (as on 2 April): the daily task makes its melding. (The flush between
    # browser tests empties the table the migration filled, so the deadline is put back here.)
    Deadline.objects.get_or_create(
        region="Haaglanden", rule="aangemeld", defaults={"name": "Iedereen aangemeld bij het mbo", "day": 1, "month": 4}
    )
    check_all(today=datetime.date(current_school_year() + 1, 4, 2))
    assert Melding.objects.filter(kind="deadline").exists()
    login(page, demo_live.url, "decaan.vo1", demo_pw)
    expect(page.get_by_role("heading", name="Meldingenoverzicht")).to_be_visible()
    expect(page.get_by_test_id("melding").first).to_be_visible()
    meldingen = page.get_by_test_id("meldingen-list")
    expect(meldingen.get_by_text("Termijn verstreken").first).to_be_visible()
    expect(meldingen.get_by_text("Status aanmelding").first).to_be_visible()
    expect(meldingen.get_by_text("Systeem").first).to_be_visible()
    assert axe() == [], "meldingen"
    shot("50-meldingen")

    status = page.get_by_test_id("melding").filter(has_text="Nieuwe status voor").first
    name = status.inner_text().split("Nieuwe status voor ")[1].split(":")[0]
    status.get_by_role("link").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.go_back()
    page.reload()
    # Older meldingen are found by searching on the name.
    page.get_by_label("Zoek op naam of BSN (ook ouder dan 30 dagen)").fill(name)
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_test_id("melding").first).to_contain_text(name)
    shot("51-meldingen-zoeken")
