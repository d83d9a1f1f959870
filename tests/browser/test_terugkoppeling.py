"""The ROC-gebruiker reads the school's batches and a report; the servicedesk makes a token and sees every batch."""

import base64
import io

from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import expect

from feedback.models import Batch

from .helpers import login


def a_day_delivered(tmp_path) -> Batch:
    """A simulated day imported twice (the second is the same file), and a file that cannot be read."""
    call_command("simulate_feedback", "--out", str(tmp_path), stdout=io.StringIO())
    path = next((tmp_path / "25AA").iterdir())
    call_command("import_feedback", str(path), "--mbo", "25AA", stdout=io.StringIO())
    call_command("import_feedback", str(path), "--mbo", "25AA", stdout=io.StringIO())
    empty = tmp_path / "leeg.csv"
    empty.write_bytes(b"")
    try:
        call_command("import_feedback", str(empty), "--mbo", "25AA", stdout=io.StringIO())
    except Exception:  # noqa: S110 (the command says it failed; the batch is kept)
        pass
    return Batch.objects.filter(filename=path.name).order_by("pk").first()


def test_roc_gebruiker_reads_the_batches_and_a_report(page, demo_live, demo_pw, axe, shot, tmp_path):
    first = a_day_delivered(tmp_path)
    login(page, demo_live.url, "roc.mbo1", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Terugkoppeling").click()
    expect(page.get_by_role("heading", name="Terugkoppeling")).to_be_visible()
    rows = page.get_by_test_id("batch-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("niet leesbaar")
    expect(rows.nth(1)).to_contain_text(f"gelijk aan nr. {first.pk}")
    page.get_by_text("Voor uw ICT-afdeling: hoe levert uw school aan?").click()
    assert axe() == [], "batch list"
    shot("70-terugkoppeling-leveringen")

    rows.nth(2).get_by_role("link").click()
    expect(page.get_by_role("heading", name=f"Levering {first.pk}")).to_be_visible()
    expect(page.get_by_test_id("batch-counts")).to_contain_text(f"{first.rows_read}")
    table = page.get_by_test_id("line-table")
    expect(table.get_by_test_id("line-row")).to_have_count(first.rows_rejected)
    expect(table).to_contain_text("voldoet niet aan de elfproef")
    assert axe() == [], "report, rejected lines"
    shot("71-terugkoppeling-verslag")
    # The file's rows for BSNs VOROC does not know read as any other row: the report does not tell the mbo-school
    # whether a BSN belongs to a pupil (no tab of lines waiting for a pupil).
    expect(page.get_by_test_id("line-tabs")).not_to_contain_text("Wacht op leerling")
    expect(page.get_by_test_id("line-tabs")).not_to_contain_text("BSN")

    page.get_by_role("link", name="Terugkoppeling").first.click()
    page.get_by_test_id("batch-row").first.get_by_role("link").click()
    expect(page.get_by_test_id("batch-failure")).to_contain_text("Het bestand is leeg.")
    assert axe() == [], "failed batch"
    shot("73-terugkoppeling-niet-leesbaar")

    page.get_by_role("link", name="Terugkoppeling").first.click()
    page.get_by_test_id("batch-row").nth(1).get_by_role("link").click()
    expect(page.get_by_test_id("batch-duplicate")).to_contain_text("Er is dan ook niets veranderd.")
    shot("74-terugkoppeling-zelfde-levering")


def test_on_a_phone_the_reports_do_not_scroll_sideways(page, demo_live, demo_pw, shot, tmp_path):
    first = a_day_delivered(tmp_path)
    page.set_viewport_size({"width": 400, "height": 800})
    login(page, demo_live.url, "roc.mbo1", demo_pw)
    for path, name in (
        ("/terugkoppeling/", "75-terugkoppeling-smal"),
        (f"/terugkoppeling/{first.pk}/", "76-verslag-smal"),
    ):
        page.goto(demo_live.url + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)
        shot(name)


def test_servicedesk_makes_a_token_once_and_sees_every_batch(page, demo_live, demo_pw, axe, shot, tmp_path):
    a_day_delivered(tmp_path)
    login(page, demo_live.url, "servicedesk", demo_pw)
    key = base64.b32decode(page.get_by_test_id("otp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code uit uw authenticator-app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Instellen").click()
    page.goto(demo_live.url + "/beheer/feedback/feedtoken/add/")
    page.get_by_label("Mbo-school").select_option(label="MBO1 – ROC Haaglanden-Zuid (25AA)")
    page.get_by_label("Omschrijving").fill("Koppeling Eduarte")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Dit is de enige keer dat het token te zien is.")).to_be_visible()
    token = page.get_by_test_id("feed-token").input_value()
    assert token.startswith("vrc_")
    assert axe("#content-main") == [], "token shown once"
    shot("77-beheer-token-aangemaakt")
    page.goto(demo_live.url + "/beheer/feedback/feedtoken/")
    assert token not in page.content()
    page.goto(demo_live.url + "/beheer/feedback/batch/")
    expect(page.get_by_role("button", name="Postvak nu ophalen")).to_be_visible()
    shot("78-beheer-leveringen")
    page.get_by_role("link", name=str(Batch.objects.order_by("pk").first().pk), exact=True).click()
    expect(page.get_by_text("Afgewezen, wachtende en gewaarschuwde regels")).to_be_visible()
    shot("79-beheer-levering")
