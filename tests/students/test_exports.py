"""Exports of the overview: Excel and PDF read back, the print view, and a long list in the background."""

import io
import time

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from students import bsn
from students.aanmeldingen import add_aanmelding, record_elders
from students.models import ExportJob, Pupil, Status
from tests.conftest import login_as
from tests.factories import GroupFactory, OpleidingFactory, OrganisationFactory, PupilFactory

EXPORT = reverse("students:export")


@pytest.fixture
def school_with_pupils(decaan):
    school = decaan.organisation
    group = GroupFactory(school=school, name="4A")
    opleiding = OpleidingFactory(name="Verpleegkunde", school__name="MBO Zorg")
    pupils = [
        PupilFactory(school=school, group=group, voornaam='=HYPERLINK("http://x")', achternaam="Formule"),
        PupilFactory(school=school, group=group, voornaam="Zoë", achternaam="Öztürk", extra_aandacht="@let op"),
        PupilFactory(school=school, group=None, voornaam="Noah", achternaam="Bakker", bsn=None),
        PupilFactory(school=OrganisationFactory(), voornaam="Vreemd", achternaam="Anderschool"),
    ]
    add_aanmelding(pupil=pupils[1], opleiding=opleiding, status=Status.POSITIEF_BESLUIT)
    record_elders(pupil=pupils[2], kind="werk", date=pupils[2].geboortedatum.replace(year=2026))
    return pupils


def workbook_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"groep": "4A"}, {"q": "ozturk"}, {"bestemming": "elders"}])
def test_excel_holds_exactly_the_rows_the_overview_shows(decaan_client, school_with_pupils, params):
    if params.get("groep"):
        params = {"groep": str(school_with_pupils[0].group.pk)}
    page = decaan_client.get(reverse("students:overzicht"), params, follow=True)
    shown = [r.pupil.achternaam for r in page.context["rows"]]
    # The export links of the page carry the search as its token, not as the name itself.
    response = decaan_client.get(EXPORT + "?formaat=xlsx&" + page.context["export_query"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="leerling-overzicht-')
    rows = workbook_rows(response.content)
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == "Achternaam")
    exported = [row[0] for row in rows[header_index + 1 :]]
    assert exported == shown and "Anderschool" not in exported


@pytest.mark.django_db
def test_excel_has_no_bsn_and_no_live_formula(decaan_client, school_with_pupils):
    content = decaan_client.get(EXPORT, {"formaat": "xlsx"}).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [c for row in workbook.active.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    texts = [str(c.value) for c in cells if c.value is not None]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
    assert '\'=HYPERLINK("http://x")' in texts and "'@let op" in texts
    values = [bsn.decrypt(p.bsn_encrypted) for p in Pupil.objects.exclude(bsn_encrypted="")]
    blob = " ".join(texts)
    assert values and not [v for v in values if v in blob]
    header = next(row for row in workbook.active.iter_rows(values_only=True) if row and row[0] == "Achternaam")
    assert "BSN" not in " ".join(str(h) for h in header if h).replace("Zonder BSN", "")
    assert {"Opleiding 1", "Status 1", "Statusdatum 1", "Elders", "vmbo-diploma", "Verwachte bestemming"} <= set(header)


@pytest.mark.django_db
def test_pdf_is_a4_landscape_and_names_every_pupil(decaan_client, school_with_pupils):
    response = decaan_client.get(EXPORT, {"formaat": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = " ".join(p.extract_text() for p in reader.pages)
    for pupil in school_with_pupils[:3]:
        assert pupil.achternaam in text
    assert "Anderschool" not in text and "Pagina 1 van" in text and "VO" in text


@pytest.mark.django_db
def test_print_view_holds_the_same_pupils(decaan_client, school_with_pupils):
    html = decaan_client.get(reverse("students:print")).content.decode()
    assert "Formule" in html and "Öztürk" in html and "Bakker" in html and "Anderschool" not in html
    assert "data-voroc-print" in html and "print.css" in html


@pytest.mark.django_db
def test_a_long_export_runs_in_the_background_with_progress_and_a_download(
    decaan_client, school_with_pupils, monkeypatch, eager, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("students.views.exports.BACKGROUND_ROWS", {"xlsx": 1, "pdf": 1})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = decaan_client.get(EXPORT, {"formaat": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("students:export_job", args=[job.pk])
    # Before the task has run, the page shows the progress and asks again every second.
    waiting = decaan_client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "0 van 3 leerlingen" in waiting
    for callback in callbacks:  # the commit: the task is queued and (eagerly) runs
        callback()
    job.refresh_from_db()
    page = decaan_client.get(response.url).content.decode()
    assert job.state == ExportJob.State.DONE, page
    assert "Download" in page and job.total == 3
    download = decaan_client.get(reverse("students:export_download", args=[job.pk]))
    rows = workbook_rows(b"".join(download.streaming_content))
    assert any(row and row[0] == "Öztürk" for row in rows)


@pytest.mark.django_db
def test_someone_elses_export_is_404(client, decaan_client, school_with_pupils, demo):
    from students import exports

    job = ExportJob.objects.create(user=demo["decaan.vo1"], params={"formaat": "xlsx"})
    exports.run_job(job.pk)
    login_as(client, demo["beheerder.vo1"])
    assert client.get(reverse("students:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("students:export_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_expired_exports_are_removed(decaan_client, school_with_pupils, demo):
    from django.utils import timezone

    from students import exports

    job = ExportJob.objects.create(user=demo["decaan.vo1"], params={"formaat": "xlsx"})
    exports.run_job(job.pk)
    job.refresh_from_db()
    path = job.file.path
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert decaan_client.get(reverse("students:export_download", args=[job.pk])).status_code == 410
    assert exports.purge_expired_exports() == 1
    import os

    assert not os.path.exists(path) and not ExportJob.objects.exists()


@pytest.mark.services
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI runs it against the machine's Redis)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_export_through_redis(client, demo, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from voroc.celery import app

    decaan = demo["decaan.vo1"]
    for n in range(4):
        PupilFactory(school=decaan.organisation, achternaam=f"Werker{n}")
    monkeypatch.setattr("students.views.exports.BACKGROUND_ROWS", {"xlsx": 2, "pdf": 2})
    client.force_login(decaan)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="INFO"):
        response = client.get(EXPORT, {"formaat": "pdf"})
        job = ExportJob.objects.get()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and job.state != ExportJob.State.DONE:
            time.sleep(0.2)
            job.refresh_from_db()
    assert response.status_code == 302 and job.state == ExportJob.State.DONE and job.total == 4
    pdf = b"".join(client.get(reverse("students:export_download", args=[job.pk])).streaming_content)
    assert "Werker3" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_the_export_benchmark_prints_figures_limits_and_ratios_and_leaves_nothing_behind():
    from voroc.bench.export_overview import export_overview

    result = export_overview(pupils=12)
    assert result["rows"] == 12
    for fmt in ("excel", "pdf"):
        assert result[f"{fmt}_seconds"] > 0 and result[f"{fmt}_limit_seconds"] > 0
        # The ratio is figure / limit (both printed rounded, so compare with the rounding's margin).
        expected = result[f"{fmt}_seconds"] / result[f"{fmt}_limit_seconds"]
        assert result[f"{fmt}_ratio"] == pytest.approx(expected, abs=0.002)
    assert not Pupil.objects.exists()  # generated inside a transaction that was rolled back


def test_bench_command_knows_export_overview():
    from voroc.management.commands.bench import BENCHMARKS

    assert "export_overview" in BENCHMARKS


@pytest.mark.django_db
def test_oud_leerlingen_have_the_same_three_exports(decaan_client, decaan):
    from students.schoolyear import current_school_year

    PupilFactory(school=decaan.organisation, achternaam="Dezejaar")
    PupilFactory(school=decaan.organisation, achternaam="Vorigjaar", school_year=current_school_year() - 1)
    html = decaan_client.get(reverse("students:oud")).content.decode()
    assert "Vorigjaar" in html and "Dezejaar" not in html and "oud=1" in html
    rows = workbook_rows(decaan_client.get(EXPORT, {"formaat": "xlsx", "oud": "1"}).content)
    assert rows[0][0].startswith("Oud leerlingen") and [
        r[0] for r in rows if r and r[0] in ("Vorigjaar", "Dezejaar")
    ] == ["Vorigjaar"]
    pdf = decaan_client.get(EXPORT, {"formaat": "pdf", "oud": "1"}).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Vorigjaar" in text and "Dezejaar" not in text
    printed = decaan_client.get(reverse("students:print"), {"oud": "1"}).content.decode()
    assert "Vorigjaar" in printed and "Dezejaar" not in printed


@pytest.mark.django_db
def test_excel_keeps_the_header_in_view_with_filters_and_readable_columns(decaan_client, school_with_pupils):
    group = school_with_pupils[0].group
    response = decaan_client.get(EXPORT, {"formaat": "xlsx", "groep": group.pk})
    assert "leerling-overzicht-4a-" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Achternaam")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
    opleiding = next(c for c in range(1, 40) if sheet.cell(header_row, c).value == "Opleiding 1")
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(opleiding)].width >= 40


@pytest.mark.django_db
def test_a_long_export_is_only_counted_in_the_request(
    decaan_client, school_with_pupils, monkeypatch, django_assert_num_queries
):
    from tests.conftest import session_queries

    monkeypatch.setattr("students.views.exports.BACKGROUND_ROWS", {"xlsx": 1, "pdf": 1})
    # (session,) user, the groups, one COUNT, the job's insert (in a savepoint: 2 more) — no pupil rows read
    with django_assert_num_queries(session_queries() + 6, exact=False) as captured:
        response = decaan_client.get(EXPORT, {"formaat": "pdf"})
    assert response.status_code == 302
    assert not [q for q in captured.captured_queries if "students_aanmelding" in q["sql"]]
    assert ExportJob.objects.get().total == 3
