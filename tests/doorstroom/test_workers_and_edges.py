"""With a real Celery worker through Redis (CI): approving sends the form, and the bundle is made. And the edges:
the CSRF check on the fill-in page, deleting a pupil with sent forms, the mbo's melding opens its own page."""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from doorstroom.models import Delivery, Formulier, StoredFile
from students.aanmeldingen import add_aanmelding
from students.models import ExportJob
from tests.conftest import login_as
from tests.doorstroom.conftest import posted
from tests.doorstroom.helpers import complete_form


def _wait(check, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.services
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI runs it against the machine's Redis)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_an_approved_form_and_makes_the_bundle(client, demo, pupil, opleiding1):
    from celery.contrib.testing.worker import start_worker

    from doorstroom.loader import load_shipped
    from voroc.celery import app

    load_shipped()  # a transactional test starts from an empty database
    form = complete_form(pupil)
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    login_as(client, demo["decaan.vo1"])
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="INFO"):
        client.post(reverse("doorstroom:accorderen", args=[pupil.pk]))
        assert _wait(lambda: Formulier.objects.get(pk=form.pk).state == Formulier.State.VERZONDEN)
        assert Delivery.objects.get().mbo_school == opleiding1.school
        response = client.post(reverse("doorstroom:bundel"))
        job = ExportJob.objects.get()
        assert _wait(lambda: ExportJob.objects.get(pk=job.pk).state == ExportJob.State.DONE)
    assert response.url == reverse("students:export_job", args=[job.pk])
    download = client.get(reverse("students:export_download", args=[job.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"  # a ZIP


@pytest.mark.django_db
def test_the_fill_in_page_checks_csrf(demo, pupil):
    browser = Client(enforce_csrf_checks=True)
    login_as(browser, demo["mentor.vo1"])
    response = browser.post(
        reverse("doorstroom:formulier", args=[pupil.pk]), posted(pupil, "loopbaan", "opslaan", beroepswens="X")
    )
    assert response.status_code == 403 and not Formulier.objects.exists()
    from django.urls import resolve

    assert not getattr(resolve(reverse("doorstroom:formulier", args=[pupil.pk])).func, "csrf_exempt", False)


@pytest.mark.django_db
def test_deleting_a_pupil_takes_their_forms_and_files_along(demo, pupil, opleiding2, committed):
    import os

    from doorstroom.services import approve
    from students.services import delete_pupil

    add_aanmelding(pupil=pupil, opleiding=opleiding2)
    committed(approve, form=complete_form(pupil), by=demo["decaan.vo1"])
    path = StoredFile.objects.get().file.path
    committed(delete_pupil, pupil=pupil)
    assert not Formulier.objects.exists() and not StoredFile.objects.exists() and not os.path.exists(path)


@pytest.mark.django_db
def test_the_mbo_opens_its_melding_on_its_own_page(client, demo, pupil, opleiding1, committed):
    from doorstroom.services import approve
    from notifications.models import Melding

    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    committed(approve, form=complete_form(pupil), by=demo["decaan.vo1"])
    melding = Melding.objects.get(organisation=opleiding1.school)
    login_as(client, demo["roc.mbo1"])
    assert (
        "Doorstroomformulier ontvangen van Sem Jansen"
        in client.get(reverse("notifications:meldingen")).content.decode()
    )
    response = client.get(reverse("notifications:open", args=[melding.pk]))
    assert response.url == reverse("doorstroom:ontvangen", args=[pupil.pk])
    assert client.get(response.url).status_code == 200
