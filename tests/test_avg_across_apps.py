"""The inzage and the complete removal cover what every app keeps: the doorstroomformulier (answers, history,
its PDF and attachments) and the feed (rows that waited for the pupil, lines about the pupil's aanmeldingen)."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from doorstroom.models import Formulier, StoredFile
from doorstroom.services import approve
from feedback.models import BatchLine, WaitingRow
from students.models import Pupil
from tests.conftest import login_as
from tests.doorstroom.helpers import complete_form
from tests.factories import GroupFactory, PupilFactory, valid_bsn
from tests.feedback.conftest import feed_csv, row, run_file, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(demo, tmp_path, django_capture_on_commit_callbacks, eager):
    from tests.factories import OpleidingFactory

    school = demo["decaan.vo1"].organisation
    mbo = demo["roc.mbo1"].organisation
    OpleidingFactory(school=mbo, crebo="25655", name="Verpleegkundige", niveau=4, leerweg="BOL")
    pupil = PupilFactory(school=school, group=GroupFactory(school=school), achternaam="Dekker", bsn=valid_bsn(901))
    # The mbo-school reports an aanmelding of this pupil, and a line of it that it could not read.
    run_file(mbo, write(tmp_path, "dag.csv", feed_csv([row(1, "MB-7"), {**row(1, "MB-7"), "status": "?"}])))
    form = complete_form(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        approve(form=form, by=demo["decaan.vo1"])
    assert Formulier.objects.get(pupil=pupil).state == Formulier.State.VERZONDEN
    return pupil


def test_the_inzage_holds_the_form_and_the_feed_lines(client, demo, pupil):
    login_as(client, demo["servicedesk"])
    response = client.get(reverse("admin:students_pupil_inzage", args=[pupil.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("inzage.json"))
    assert data["doorstroomformulier"] and {r["versie"] for r in data["doorstroomformulier"]} == {1}
    assert {"geaccordeerd", "verzonden"} <= {r["wat"] for r in data["doorstroomformulier_geschiedenis"]}
    assert [r["aanmelding_id"] for r in data["terugkoppeling"]] == ["MB-7"]  # the line that was rejected
    names = archive.namelist()
    pdf = next(n for n in names if n.endswith("doorstroomformulier-versie-1.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read(pdf))).pages)
    assert "Dekker" in text
    assert any("bijlage" in n and n.endswith(".pdf") for n in names if "doorstroomformulier/" in n)


def test_removal_takes_the_forms_their_files_and_the_feed_lines_too(
    client, demo, pupil, django_capture_on_commit_callbacks
):
    # A row that had waited for this pupil (before the school added them), and was applied since.
    import datetime

    from django.utils import timezone

    from feedback.models import Batch
    from students import bsn

    WaitingRow.objects.create(
        mbo_school=demo["roc.mbo1"].organisation,
        batch=Batch.objects.first(),
        line=2,
        aanmelding_id="MB-OUD",
        bsn_index=pupil.bsn_index,
        bsn_encrypted=bsn.encrypt(valid_bsn(901)),
        crebo="25655",
        status=2,
        status_at=timezone.now() - datetime.timedelta(days=3),
        matched_at=timezone.now(),
        pupil=pupil,
    )
    files = [blob.file.name for blob in StoredFile.objects.all()]
    assert files and all(default_storage.exists(name) for name in files)
    login_as(client, demo["servicedesk"])
    with django_capture_on_commit_callbacks(execute=True):  # the stored files go once the removal is committed
        client.post(reverse("admin:students_pupil_remove", args=[pupil.pk]), {"confirm": str(pupil.pk)})
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert not Formulier.objects.exists() and not StoredFile.objects.exists()
    assert not any(default_storage.exists(name) for name in files)
    assert not BatchLine.objects.filter(aanmelding_id="MB-7").exists()
    assert not WaitingRow.objects.exists()


def waiting_row(demo, pupil) -> WaitingRow:
    """A row of the feed that waits for this BSN (it came in again after the pupil was added, say)."""
    import datetime

    from django.utils import timezone

    from feedback.models import Batch
    from students import bsn

    return WaitingRow.objects.create(
        mbo_school=demo["roc.mbo1"].organisation,
        batch=Batch.objects.first(),
        line=3,
        aanmelding_id="MB-NIEUW",
        bsn_index=pupil.bsn_index,
        bsn_encrypted=bsn.encrypt(valid_bsn(901)),
        crebo="25655",
        status=2,
        status_at=timezone.now() - datetime.timedelta(days=1),
    )


@pytest.mark.parametrize("way", ["school", "admin delete page", "admin bulk action"])
def test_every_deletion_of_a_pupil_takes_everything_along(client, demo, pupil, way, django_capture_on_commit_callbacks):
    from audit.models import Action, AuditEntry, PupilKey
    from students.services import update_pupil

    waiting_row(demo, pupil)
    update_pupil(pupil=pupil, data={"woonplaats": "Rijswijk"})  # sealed in the audit log under the pupil's key
    assert PupilKey.objects.filter(pupil_id=pupil.pk).exists() and BatchLine.objects.filter(aanmelding_id="MB-7")
    files = [blob.file.name for blob in StoredFile.objects.all()]
    with django_capture_on_commit_callbacks(execute=True):
        if way == "school":
            login_as(client, demo["decaan.vo1"])
            client.post(reverse("students:verwijderen", args=[pupil.pk]))
        elif way == "admin delete page":
            login_as(client, demo["servicedesk"])
            client.post(reverse("admin:students_pupil_delete", args=[pupil.pk]), {"post": "yes"})
        else:
            login_as(client, demo["servicedesk"])
            action = {"action": "delete_selected", "_selected_action": [pupil.pk], "post": "yes"}
            client.post(reverse("admin:students_pupil_changelist"), action)
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert not WaitingRow.objects.exists()  # with its encrypted BSN
    assert not BatchLine.objects.filter(aanmelding_id="MB-7").exists()
    assert not StoredFile.objects.exists() and not any(default_storage.exists(name) for name in files)
    assert not PupilKey.objects.filter(pupil_id=pupil.pk).exists()
    assert AuditEntry.objects.filter(pupil_id=pupil.pk, action=Action.DELETE).exists()
