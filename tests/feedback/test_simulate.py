"""simulate_feedback writes a realistic day for the connected demo school; the README's flow end to end."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from feedback.models import Batch
from feedback.parser import KNOWN, parse
from notifications.models import Melding
from students.models import Aanmelding

pytestmark = pytest.mark.django_db


def simulate(tmp_path, *args) -> tuple[str, list]:
    out = io.StringIO()
    call_command("simulate_feedback", "--out", str(tmp_path), *args, stdout=out)
    return out.getvalue(), sorted((tmp_path / "25AA").iterdir())


def test_a_simulated_day_is_what_a_school_system_writes(tmp_path, demo_pupils):
    text, [path] = simulate(tmp_path, "--date", "2026-11-30")
    assert (
        "MBO1 – ROC Haaglanden-Zuid" in text and "4 bad" in text and "4 unknown" in text and "import_feedback" in text
    )
    assert path.name == "terugkoppeling-25AA-2026-11-30.csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + ";".join(KNOWN).encode() + b"\r\n")  # Dutch Excel: BOM, ;, CRLF
    words = {r["status"] for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")}
    assert {"INTAKE", "aangemeld"} <= words and words & {
        "aanmelding ontvangen",
        "onderwijsovereenkomst aangeboden",
        "ingeschreven",
        "Intakegesprek",
    }
    # The same day again writes the same file.
    assert simulate(tmp_path, "--date", "2026-11-30")[1][0].read_bytes() == data


def test_the_flow_from_the_readme_simulate_then_the_api_then_meldingen_and_statuses(
    tmp_path, demo_pupils, eager, django_capture_on_commit_callbacks
):
    text, [path] = simulate(tmp_path)
    kinds = dict(part.split(" ")[::-1] for part in text.split("(", 1)[1].split(")")[0].split(", "))
    out = io.StringIO()
    call_command("create_feed_token", "--mbo", "25AA", "--name", "Demo-koppeling", stdout=out)
    token = out.getvalue().splitlines()[-1]
    assert token.startswith("vrc_") and "shown only now" in out.getvalue()
    api = Client(headers={"Authorization": f"Bearer {token}"})
    from doorstroom.models import Delivery

    before, delivered = Melding.objects.count(), Delivery.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/feedback/batches", data=path.read_bytes(), content_type="text/csv")
    assert response.status_code == 202
    report = api.get(response.json()["report"]).json()
    counts = report["counts"]
    # Rows of pupils VOROC does not know count as new like the others (the report does not tell them apart).
    assert counts["rejected"] == int(kinds["bad"]) == 4 and counts["unmatched"] == 0 and int(kinds["unknown"]) == 4
    assert counts["new"] == int(kinds["new"]) + int(kinds["unknown"]) and counts["updated"] >= int(kinds["moved"])
    assert counts["read"] == sum(int(v) for v in kinds.values())
    # A melding for the vo-school per new aanmelding and per move; the mbo-school one per doorstroomformulier that
    # a new aanmelding brought it (an approved form goes to every school the pupil applies to), and one that the
    # day's file had rejected rows (the simulator writes some bad rows on purpose).
    assert Melding.objects.count() - before == int(kinds["new"]) + int(kinds["moved"]) + (
        Delivery.objects.count() - delivered
    ) + (1 if counts["rejected"] else 0)
    # The decaan of a pupil who moved on sees the melding and the new status.
    moved = Melding.objects.filter(text__startswith="Nieuwe status voor").select_related("pupil__school").first()
    pupil = moved.pupil
    decaan = demo_pupils["decaan.vo1" if pupil.school.code == "00AA" else "decaan.vo2"]
    browser = Client()
    browser.force_login(decaan)
    assert moved.text in browser.get(reverse("notifications:meldingen")).content.decode()
    page = browser.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert "automatisch bijgewerkt door de mbo-school" in page
    # The ROC-gebruiker reads the same report on the Terugkoppeling tab.
    roc = Client()
    roc.force_login(demo_pupils["roc.mbo1"])
    assert roc.get(reverse("feedback:batch", args=[report["id"]])).context["batch"].rows_rejected == 4
    # The next day the school sends its list again: what VOROC knows is unchanged, some move on.
    text, paths = simulate(tmp_path, "--date", "2026-12-31")
    call_command("import_feedback", str(paths[-1]), "--mbo", "25AA", stdout=io.StringIO())
    second = Batch.objects.latest("pk")
    assert second.rows_unchanged > second.rows_updated > 0 and second.rows_unmatched == 4


def test_json_days_too(tmp_path, demo_pupils):
    _text, [path] = simulate(tmp_path, "--format", "json")
    document = json.loads(path.read_bytes())
    assert set(document) == {"rows"} and len(parse(path.read_bytes(), "json").rows) == len(document["rows"]) - 4
    assert Aanmelding.objects.exists()


def test_simulate_needs_a_connected_school(tmp_path, db):
    with pytest.raises(Exception, match="No connected mbo-school"):
        call_command("simulate_feedback", "--out", str(tmp_path), stdout=io.StringIO())
