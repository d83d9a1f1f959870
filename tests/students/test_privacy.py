"""AVG for one pupil: the servicedesk downloads everything VOROC holds (inzage) and can remove it all."""

import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEntry, PupilKey
from audit.services import details_of
from notifications.models import Melding, MeldingKind
from notifications.services import notify
from students import bsn
from students.aanmeldingen import add_aanmelding, record_elders, record_status, set_extra_aandacht
from students.models import Aanmelding, Elders, FlagChange, Pupil, SchoolLink, Status
from students.services import link_pupil_to_school, update_pupil
from tests.conftest import login_as
from tests.factories import OpleidingFactory, OrganisationFactory, PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(demo, client):
    school = demo["decaan.vo1"].organisation
    pupil = PupilFactory(school=school, voornaam="Sanne", achternaam="Dekker", bsn="111222333")
    aanmelding = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory(name="Kok"))
    record_status(aanmelding=aanmelding, status=Status.INTAKE, at=timezone.now(), source="hand")
    record_elders(pupil=pupil, kind="werk", date=datetime.date(2026, 10, 1), note="bijbaan")
    set_extra_aandacht(pupil=pupil, text="Heeft hulp nodig bij plannen", by=demo["decaan.vo1"])
    update_pupil(pupil=pupil, data={"woonplaats": "Rijswijk"})
    link_pupil_to_school(pupil=pupil, school=OrganisationFactory(name="Tweede School"), by=None)
    notify(organisation=school, kind=MeldingKind.STATUS, text="Nieuwe status voor Sanne", pupil=pupil)
    login_as(client, demo["decaan.vo1"])
    client.get(reverse("students:leerling", args=[pupil.pk]))  # a view, in the audit log
    client.logout()
    return pupil


def download(client, demo, pupil):
    login_as(client, demo["servicedesk"])
    response = client.get(reverse("admin:students_pupil_inzage", args=[pupil.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="inzage-leerling-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_inzage_holds_every_kind_of_record(client, demo, pupil):
    archive = download(client, demo, pupil)
    data = json.loads(archive.read("inzage.json"))
    assert data["leerling"][0]["achternaam"] == "Dekker" and data["leerling"][0]["woonplaats"] == "Rijswijk"
    assert [r["status"] for r in data["aanmeldingen"]] == ["Nog niet ingeschreven", "Intakegesprek"]
    assert data["elders"][0]["toelichting"] == "bijbaan"
    assert data["kenmerken"][0]["nieuw"] == "Heeft hulp nodig bij plannen"
    assert data["koppelingen"][0]["school"] == "Tweede School"
    assert data["meldingen"][0]["tekst"] == "Nieuwe status voor Sanne"
    log = data["logboek"]
    assert {"bekeken", "gewijzigd"} <= {r["handeling"] for r in log}
    assert any("Rijswijk" in r["oud_nieuw"] for r in log)  # the sealed old → new values, readable here
    html = archive.read("inzage.html").decode()
    assert "Sanne Dekker" in html and "Aanmeldingen en statussen" in html and "Logboek" in html
    # Never the BSN, not in any file of the download.
    for name in archive.namelist():
        assert "111222333" not in archive.read(name).decode(errors="ignore"), name
    assert AuditEntry.objects.filter(action=Action.INZAGE, pupil_id=pupil.pk, actor_role="servicedesk").exists()


def test_only_the_servicedesk_reaches_the_inzage(client, demo, pupil):
    login_as(client, demo["beheerder.vo1"])
    assert client.get(reverse("admin:students_pupil_inzage", args=[pupil.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("admin:students_pupil_inzage", args=[pupil.pk])).status_code == 302


def test_removing_completely_asks_for_the_number_then_removes_everything(client, demo, pupil):
    pk = pupil.pk
    login_as(client, demo["servicedesk"])
    url = reverse("admin:students_pupil_remove", args=[pk])
    assert "Dit kan niet ongedaan worden gemaakt" in client.get(url).content.decode()
    wrong = client.post(url, {"confirm": "nee"})
    assert "er is niets verwijderd" in wrong.content.decode() and Pupil.objects.filter(pk=pk).exists()
    response = client.post(url, {"confirm": str(pk)}, follow=True)
    assert "Sanne Dekker is volledig verwijderd." in response.content.decode()
    assert not Pupil.objects.filter(pk=pk).exists()
    for model in (Aanmelding, Elders, FlagChange, SchoolLink, Melding):
        assert not model.objects.filter(pupil_id=pk).exists(), model
    assert not Pupil.objects.filter(bsn_index=bsn.blind_index("111222333")).exists()
    # The audit log keeps the trace: who did what and when, the removal itself, no readable values.
    trace = list(AuditEntry.objects.filter(pupil_id=pk).order_by("pk"))
    assert trace[-1].action == Action.REMOVAL and trace[-1].actor_role == "servicedesk"
    assert not PupilKey.objects.filter(pupil_id=pk).exists()
    assert all(v is None for v in details_of(trace).values())
    assert "Rijswijk" not in json.dumps([e.summary for e in trace])
