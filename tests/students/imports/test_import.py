"""Importing: nothing before the confirmation, re-import changes nothing, nobody deleted, another school's BSN refused
without a leak, batches all or nothing, the upload gone at once, no BSN in the report or a log line."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Action, AuditEntry
from groups.models import Group
from students import bsn as bsn_crypto
from students.imports import apply as apply_module
from students.imports import services
from students.imports.mapping import guess
from students.imports.plan import make_plan
from students.imports.readers import read_table
from students.models import ExportJob, Pupil, PupilImport, Source
from tests.conftest import bsn_like_numbers, login_as
from tests.factories import GroupFactory, OrganisationFactory, PupilFactory, valid_bsn

from .files import csv_bytes, person, xlsx_bytes
from .helpers import confirm, preview, upload, upload_and_confirm

pytestmark = pytest.mark.django_db


def test_nothing_is_stored_before_the_import_is_confirmed_and_then_the_good_rows_are(decaan_client, vo1, decaan):
    rows = [person(0, valid_bsn(100), klas="4Z"), person(1, valid_bsn(101)), person(2, "123456789")]
    imp = upload_and_confirm(decaan_client, "a.csv", csv_bytes(rows))
    preview(decaan_client, imp)
    assert not Pupil.objects.filter(school=vo1).exists()
    assert not Group.objects.filter(school=vo1, name="4Z").exists()

    response = confirm(decaan_client, imp)
    assert response.url == reverse("students:import_resultaat", args=[imp.pk])
    pupils = Pupil.objects.filter(school=vo1).select_related("group").order_by("leerlingnummer")
    assert [(p.leerlingnummer, p.group.name, p.source, p.created_by) for p in pupils] == [
        ("20000", "4Z", Source.IMPORT, decaan),
        ("20001", "4A", Source.IMPORT, decaan),
    ]
    assert pupils[0].bsn_index == bsn_crypto.blind_index(valid_bsn(100))
    imp.refresh_from_db()
    assert imp.state == PupilImport.State.DONE and imp.payload == b""  # the sealed rows went with the import
    assert imp.report["counts"]["new"] == 2 and imp.report["counts"]["refused"] == 1
    created = AuditEntry.objects.filter(action=Action.CREATE, pupil_id__in=[p.pk for p in pupils])
    assert created.count() == 2
    assert AuditEntry.objects.filter(action=Action.CREATE, pupil_id=None, school_id=vo1.pk,
                                     summary__startswith="leerlingimport: 2 nieuw").exists()  # fmt: skip
    # Cancelling another import stores nothing and forgets the rows.
    other = upload_and_confirm(decaan_client, "b.csv", csv_bytes([person(5, valid_bsn(105))]))
    response = decaan_client.post(reverse("students:import_controle", args=[other.pk]), {"actie": "annuleren"})
    assert response.url == reverse("students:overzicht")
    assert not PupilImport.objects.filter(pk=other.pk).exists() and Pupil.objects.filter(school=vo1).count() == 2


def test_reimporting_the_same_file_changes_nothing(decaan_client, vo1):
    data = xlsx_bytes([person(n, valid_bsn(110 + n)) for n in range(4)])
    confirm(decaan_client, upload_and_confirm(decaan_client, "a.xlsx", data))
    before = list(Pupil.objects.filter(school=vo1).order_by("pk").values())
    entries = AuditEntry.objects.filter(action__in=[Action.CREATE, Action.CHANGE], pupil_id__isnull=False).count()
    again = upload_and_confirm(decaan_client, "a.xlsx", data)
    response = preview(decaan_client, again)
    assert response.context["counts"] | {} == {"new": 0, "changed": 0, "unchanged": 4, "refused": 0, "skipped": 0,
                                                "missing": 0}  # fmt: skip
    confirm(decaan_client, again)
    assert list(Pupil.objects.filter(school=vo1).order_by("pk").values()) == before
    assert (
        AuditEntry.objects.filter(action__in=[Action.CREATE, Action.CHANGE], pupil_id__isnull=False).count() == entries
    )


def test_changes_update_address_contact_and_group_never_the_bsn_and_nobody_is_deleted(decaan_client, vo1):
    group = GroupFactory(school=vo1, name="4A")
    by_number = PupilFactory(school=vo1, group=group, leerlingnummer="20000", bsn=valid_bsn(120))
    by_bsn = PupilFactory(school=vo1, group=group, bsn=valid_bsn(121))  # no leerlingnummer yet
    conflict = PupilFactory(school=vo1, group=group, leerlingnummer="20002", bsn=valid_bsn(122))
    gone = PupilFactory(school=vo1, group=group, leerlingnummer="29999")
    rows = [
        person(0, valid_bsn(120), klas="4b", Straat="Spui", **{"E-mail": "nieuw@example.com"}),
        person(1, valid_bsn(121)),
        person(2, valid_bsn(123)),  # leerlingnummer of `conflict`, another BSN
    ]
    imp = upload_and_confirm(decaan_client, "a.csv", csv_bytes(rows))
    response = preview(decaan_client, imp)
    changed = {row.line: dict((f, (o, n)) for f, o, n in row.shown_changes()) for row in response.context["changed"]}
    assert changed[2]["Straat"] == (by_number.straat, "Spui")
    assert changed[2]["E-mailadres"] == (by_number.email, "nieuw@example.com")
    assert changed[2]["Groep (klas)"] == ("4A", "4b")
    assert changed[3]["Leerlingnummer"] == ("—", "20001")
    refused = response.context["refused"][0]
    assert refused.line == 4 and refused.reasons()[0][0] == "BSN"
    assert "VOROC verandert het BSN van een leerling niet" in refused.reasons()[0][1]
    assert [p.pk for p in response.context["missing"]] == [gone.pk]
    assert "niet meer in het bestand" in response.content.decode().lower()

    confirm(decaan_client, imp)
    by_number.refresh_from_db()
    conflict.refresh_from_db()
    assert (by_number.straat, by_number.email, by_number.group.name) == ("Spui", "nieuw@example.com", "4b")
    assert Group.objects.filter(school=vo1).count() == 2  # "4b" made by name
    assert Pupil.objects.get(pk=by_bsn.pk).leerlingnummer == "20001"
    assert conflict.bsn_index == bsn_crypto.blind_index(valid_bsn(122))  # never the BSN
    assert Pupil.objects.filter(pk=gone.pk).exists()  # listed, not deleted
    result = decaan_client.get(reverse("students:import_resultaat", args=[imp.pk]))
    assert [m["pupil"] for m in result.context["missing"]] == [gone.pk]


def test_a_bsn_of_another_schools_pupil_is_refused_as_in_the_add_pop_up_and_reveals_nothing(decaan_client, vo1):
    other_school = OrganisationFactory(kind="vo", name="Geheime Scholengemeenschap")
    PupilFactory(school=other_school, bsn=valid_bsn(130), voornaam="Verborgen", achternaam="Leerling")
    imp = upload_and_confirm(decaan_client, "a.csv", csv_bytes([person(0, valid_bsn(130))]))
    response = preview(decaan_client, imp)
    reasons = response.context["refused"][0].reasons()
    words = ("Deze leerling staat ingeschreven bij een andere school. De leerling moet door de VOROC Servicedesk "
             "aan uw school gekoppeld worden.")  # fmt: skip
    assert reasons == [("BSN", words)]
    add = decaan_client.post(reverse("students:toevoegen"), {"stap": "bsn", "bsn": valid_bsn(130)})
    assert words in add.content.decode()  # the same words as Leerling toevoegen
    html = response.content.decode()
    assert "Geheime" not in html and "Verborgen" not in html
    confirm(decaan_client, imp)
    assert not Pupil.objects.filter(school=vo1).exists()
    report = decaan_client.get(reverse("students:import_resultaat", args=[imp.pk])).content.decode()
    assert "Geheime" not in report and "Verborgen" not in report


def test_a_batch_that_fails_leaves_nothing_of_itself_and_the_report_says_which_rows_made_it(
    decaan, vo1, monkeypatch, django_capture_on_commit_callbacks
):
    table = read_table("a.csv", csv_bytes([person(n, valid_bsn(140 + n)) for n in range(5)]))
    plan = make_plan(school=vo1, table=table, mapping=guess(table.headings))
    calls = {"n": 0}
    real = apply_module._new_pupils

    def second_batch_breaks(rows, plan, user):
        calls["n"] += 1
        created = real(rows, plan, user)  # written, then the batch fails: all of it must go
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return created

    monkeypatch.setattr(apply_module, "_new_pupils", second_batch_breaks)
    outcome = apply_module.apply_plan(plan, user=decaan, batch_rows=2)
    assert outcome.imported == {2, 3} and outcome.failed == {4, 5, 6} and outcome.error == "RuntimeError"
    assert sorted(Pupil.objects.filter(school=vo1).values_list("leerlingnummer", flat=True)) == ["20000", "20001"]
    report = services.report_of(plan, outcome, filename="a.csv", groups=[])
    assert [(line["line"], line["status"]) for line in report["lines"]] == [
        (2, "imported"), (3, "imported"), (4, "failed"), (5, "failed"), (6, "failed")
    ]  # fmt: skip


def test_the_upload_is_gone_from_disk_as_soon_as_it_is_read(decaan_client, settings, tmp_path, monkeypatch):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file on disk
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    seen = []
    real = services.start_import

    def watching(**kwargs):
        seen.append(sorted(p.name for p in tmp_path.iterdir()))  # while the import reads the rows
        return real(**kwargs)

    monkeypatch.setattr(services, "start_import", watching)
    response = upload(decaan_client, "a.csv", csv_bytes([person(0, valid_bsn(150))]))
    assert response.status_code == 302
    assert seen == [[]] and list(tmp_path.iterdir()) == []
    imp = PupilImport.objects.get()
    assert valid_bsn(150).encode() not in bytes(imp.payload)  # sealed
    assert services.load_table(imp).rows[0][1][6] == valid_bsn(150)


def test_no_bsn_in_the_report_its_excel_or_any_log_line(decaan_client, vo1, caplog):
    caplog.set_level(logging.DEBUG)
    rows = [person(0, valid_bsn(160)), person(1, valid_bsn(161), Postcode="12"), person(2, valid_bsn(160)),
            person(3, "12345678" + "0", **{"Geb.datum": "x"})]  # fmt: skip
    imp = upload_and_confirm(decaan_client, "a.csv", csv_bytes(rows))
    pages = [preview(decaan_client, imp).content.decode()]
    confirm(decaan_client, imp)
    result = decaan_client.get(reverse("students:import_resultaat", args=[imp.pk]))
    pages.append(result.content.decode())
    excel = decaan_client.get(reverse("students:import_resultaat", args=[imp.pk]) + "?formaat=xlsx")
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(excel.content)).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert "geweigerd" in cells and "Sanne1" in cells
    imp.refresh_from_db()
    for text in (*pages, cells, str(imp.report), caplog.text):
        assert not bsn_like_numbers(text)
    assert AuditEntry.objects.filter(action=Action.EXPORT, summary="rapport van een leerlingimport").exists()


def test_an_import_belongs_to_its_user_only(client, decaan_client, demo, vo1):
    imp = upload_and_confirm(decaan_client, "a.csv", csv_bytes([person(0, valid_bsn(170))]))
    login_as(client, demo["beheerder.vo1"])
    for name in ("import_kolommen", "import_controle", "import_resultaat"):
        assert client.get(reverse(f"students:{name}", args=[imp.pk])).status_code == 404
    assert client.post(reverse("students:import_controle", args=[imp.pk]), {"actie": "importeren"}).status_code == 404
    client.force_login(demo["mentor.vo1"])
    assert client.get(reverse("students:importeren")).status_code == 403
    assert not Pupil.objects.filter(school=vo1).exists()


def test_a_preview_expires_after_an_hour(decaan_client):
    imp = upload_and_confirm(decaan_client, "a.csv", csv_bytes([person(0, valid_bsn(175))]))
    PupilImport.objects.filter(pk=imp.pk).update(expires_at=imp.created_at)
    response = preview(decaan_client, imp)
    assert response.status_code == 410 and "verlopen" in response.content.decode()
    assert services.purge_expired_imports() == 1


def test_a_large_file_runs_in_the_background_with_the_progress_page(decaan_client, vo1, eager,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    rows = [person(n, valid_bsn(1000 + n), klas=f"4{'ABC'[n % 3]}") for n in range(services.BACKGROUND_ROWS + 1)]
    imp = upload_and_confirm(decaan_client, "groot.csv", csv_bytes(rows))
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(decaan_client, imp)
    job = ExportJob.objects.get(kind="leerlingimport")
    assert response.url == reverse("students:export_job", args=[job.pk])
    page = decaan_client.get(response.url).content.decode()
    result_url = reverse("students:import_resultaat", args=[imp.pk])
    assert "Bekijk het resultaat" in page and result_url in page
    assert Pupil.objects.filter(school=vo1).count() == services.BACKGROUND_ROWS + 1
    result = decaan_client.get(result_url)
    assert result.context["counts"]["imported"] == services.BACKGROUND_ROWS + 1


def test_the_preview_takes_the_same_queries_for_few_rows_and_many(vo1):
    GroupFactory(school=vo1, name="4A")
    PupilFactory(school=vo1, leerlingnummer="20000", bsn=valid_bsn(200))

    def queries(count: int) -> int:
        table = read_table("a.csv", csv_bytes([person(n, valid_bsn(200 + n)) for n in range(count)]))
        with CaptureQueriesContext(connection) as captured:
            make_plan(school=vo1, table=table, mapping=guess(table.headings))
        return len(captured)

    # pupils by leerlingnummer, by blind index at this school, the blind indexes elsewhere, groups, missing pupils
    assert queries(3) == queries(30) == 5


def test_the_import_takes_the_same_queries_for_few_rows_and_many(vo1, decaan):
    GroupFactory(school=vo1, name="4A")

    def queries(offset: int, count: int) -> int:
        table = read_table("a.csv", csv_bytes([person(offset + n, valid_bsn(300 + offset + n)) for n in range(count)]))
        plan = make_plan(school=vo1, table=table, mapping=guess(table.headings))
        with CaptureQueriesContext(connection) as captured:
            apply_module.apply_plan(plan, user=decaan)
        return len(captured)

    assert queries(0, 3) == queries(100, 30)


def test_the_command_imports_for_the_servicedesk_and_prints_the_report(vo1, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([person(0, valid_bsn(400)), person(1, "123456789")]))
    out = io.StringIO()
    call_command("import_pupils", str(path), "--school", vo1.code, "--dry-run", stdout=out)
    assert "Proefdraai" in out.getvalue() and "1 nieuw" in out.getvalue()
    assert "regel 3: geweigerd – BSN: Dit is geen geldig BSN" in out.getvalue()
    assert not Pupil.objects.filter(school=vo1).exists()
    out = io.StringIO()
    call_command("import_pupils", str(path), "--school", vo1.code, stdout=out)
    assert Pupil.objects.filter(school=vo1, source=Source.IMPORT).count() == 1
    assert not bsn_like_numbers(out.getvalue())
    out = io.StringIO()
    call_command("import_pupils", str(path), "--school", vo1.code, stdout=out)
    assert "0 nieuw, 0 gewijzigd, 1 ongewijzigd" in out.getvalue()


def test_the_overview_offers_the_import_and_its_excel_has_the_leerlingnummer(decaan_client, vo1, demo):
    PupilFactory(school=vo1, leerlingnummer="A-77", achternaam="Zwart")
    page = decaan_client.get(reverse("students:overzicht")).content.decode()
    assert reverse("students:importeren") in page
    excel = decaan_client.get(reverse("students:export") + "?formaat=xlsx&groep=alle")
    sheet = load_workbook(io.BytesIO(excel.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Achternaam")
    assert header[3] == "Leerlingnummer"
    assert next(r for r in rows if r and r[0] == "Zwart")[3] == "A-77"
    from django.test import Client

    mentor = Client()
    mentor.force_login(demo["mentor.vo1"])
    assert reverse("students:importeren") not in mentor.get(reverse("students:overzicht")).content.decode()
