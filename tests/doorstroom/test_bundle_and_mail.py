"""Download with "alle groepen": every complete form of the school in one ZIP of PDFs, made in the background
with the progress page, gone after a day. Mailing the form's PDF to the pupil through the mail queue."""

import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from doorstroom.models import FormRevision
from notifications.models import OutgoingMail
from students import exports
from students.models import ExportJob
from tests.conftest import bsn_like_numbers, login_as
from tests.doorstroom.helpers import complete_form, make_form
from tests.factories import GroupFactory, OrganisationFactory, PupilFactory

OVERVIEW = reverse("students:overzicht")


@pytest.mark.django_db
def test_the_download_button_is_there_for_alle_groepen_and_for_one_group(client, demo, group):
    login_as(client, demo["decaan.vo1"])
    assert 'data-testid="download-forms"' in client.get(OVERVIEW, {"groep": "alle"}).content.decode()
    one = client.get(OVERVIEW, {"groep": group.pk}).content.decode()
    assert 'data-testid="download-forms"' in one and f'name="groep" value="{group.pk}"' in one
    assert 'data-testid="download-forms"' not in client.get(OVERVIEW, {"groep": "geen"}).content.decode()


@pytest.mark.django_db
def test_the_forms_of_one_group_in_a_zip_and_another_schools_group_is_404(
    client, demo, school, group, eager, django_capture_on_commit_callbacks
):
    mine = complete_form(PupilFactory(school=school, group=group, achternaam="Mijn"))
    complete_form(PupilFactory(school=school, group=GroupFactory(school=school, name="4C"), achternaam="Ander"))
    login_as(client, demo["decaan.vo1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("doorstroom:bundel"), {"groep": group.pk})
    job = ExportJob.objects.get()
    assert job.total == 1 and job.params == {"groep": group.pk} and "van groep 4A" in job.title
    assert job.filename.startswith("doorstroomformulieren-") and "-4a-" in job.filename
    content = b"".join(client.get(reverse("students:export_download", args=[job.pk])).streaming_content)
    assert zipfile.ZipFile(io.BytesIO(content)).namelist() == [
        f"4a/doorstroomformulier-mijn-{mine.pupil.voornaam.lower()}-versie-1.pdf"
    ]
    assert response.url == reverse("students:export_job", args=[job.pk])
    theirs = GroupFactory(school=OrganisationFactory(), name="4A")
    assert client.post(reverse("doorstroom:bundel"), {"groep": theirs.pk}).status_code == 404
    assert client.post(reverse("doorstroom:bundel"), {"groep": "x"}).status_code == 404
    assert ExportJob.objects.count() == 1


@pytest.mark.django_db
def test_every_complete_form_of_the_school_in_one_zip_in_the_background(
    client, demo, school, group, django_capture_on_commit_callbacks, eager
):
    done = [complete_form(PupilFactory(school=school, group=group, achternaam=f"Klaar{n}")) for n in range(3)]
    no_group = complete_form(PupilFactory(school=school, group=None, achternaam="Zonder"))
    make_form(PupilFactory(school=school, group=group, achternaam="Half"), answers={"beroepswens": "Kok"})
    complete_form(PupilFactory(school=OrganisationFactory(), achternaam="Vreemd"))  # another school
    login_as(client, demo["decaan.vo1"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("doorstroom:bundel"))
    job = ExportJob.objects.get()
    assert response.url == reverse("students:export_job", args=[job.pk]) and job.kind == "doorstroomformulieren"
    waiting = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "0 van 4 leerlingen verwerkt" in waiting and 'hx-trigger="every 1s"' in waiting
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.total == 4
    page = client.get(response.url).content.decode()
    assert 'data-testid="export-back"' in page  # a way back to the Leerling overzicht
    assert client.get(reverse("doorstroom:bundel")).status_code == 405  # a link cannot start it
    assert "Alle volledig ingevulde doorstroomformulieren (zip)" in page and "Klaar: 4 leerlingen." in page
    content = b"".join(client.get(reverse("students:export_download", args=[job.pk])).streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = sorted(archive.namelist())
    assert names == sorted(
        [f"4a/doorstroomformulier-klaar{n}-{f.pupil.voornaam.lower()}-versie-1.pdf" for n, f in enumerate(done)]
        + [f"niet-ingedeeld/doorstroomformulier-zonder-{no_group.pupil.voornaam.lower()}-versie-1.pdf"]
    )
    text = PdfReader(io.BytesIO(archive.read(names[0]))).pages[0].extract_text()
    assert "Klaar0" in text
    # The file is gone after a day.
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert client.get(reverse("students:export_download", args=[job.pk])).status_code == 410
    assert exports.purge_expired_exports() == 1


@pytest.mark.django_db
def test_a_mentor_bundles_the_forms_of_their_own_groups_only(client, demo, school, group, eager):
    mine = complete_form(PupilFactory(school=school, group=group, achternaam="Mijn"))
    complete_form(PupilFactory(school=school, group=GroupFactory(school=school, name="4C"), achternaam="Ander"))
    from doorstroom.bundle import complete_forms

    assert complete_forms(demo["mentor.vo1"]) == [mine]
    assert len(complete_forms(demo["decaan.vo1"])) == 2


@pytest.mark.django_db
def test_nothing_complete_says_so(client, demo, school):
    login_as(client, demo["decaan.vo1"])
    response = client.post(reverse("doorstroom:bundel"), follow=True)
    assert "nog geen volledig ingevulde doorstroomformulieren" in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_the_existing_overview_export_still_works(client, demo, school):
    PupilFactory(school=school, achternaam="Overzicht")
    job = ExportJob.objects.create(user=demo["decaan.vo1"], params={"formaat": "xlsx"})
    exports.run_job(job.pk)
    job.refresh_from_db()
    assert job.kind == ExportJob.OVERVIEW and job.state == ExportJob.State.DONE and job.filename.endswith(".xlsx")


QUEUED = {
    "EMAIL_BACKEND": "notifications.mail.QueuedEmailBackend",
    "VOROC_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@pytest.mark.django_db
def test_the_form_is_mailed_to_the_pupil_as_pdf_through_the_queue(
    client, demo, pupil, settings, eager, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = QUEUED["EMAIL_BACKEND"]
    settings.VOROC_EMAIL_DELIVERY_BACKEND = QUEUED["VOROC_EMAIL_DELIVERY_BACKEND"]
    form = complete_form(pupil)
    login_as(client, demo["mentor.vo1"])
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert 'data-testid="form-mail"' in page
    confirm = client.get(reverse("doorstroom:mailen", args=[pupil.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "sem@example.com" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("doorstroom:mailen", args=[pupil.pk]), headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == reverse("students:leerling", args=[pupil.pk])
    [message] = mail.outbox
    assert message.to == ["sem@example.com"] and "Je doorstroomformulier" in message.subject
    [(name, content, mimetype)] = message.attachments
    assert name == "doorstroomformulier-jansen-sem-versie-1.pdf" and mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Sem Jansen" in text and "Loopbaan en opleidingskeuze" in text
    # Without the box ticked, no care step; and never the BSN, in the PDF or the mail itself.
    assert "Aandachtspunten" not in text and "Tot welke doelgroep" not in text and "Ondersteuning" not in text
    from students.bsn import decrypt

    bsn = decrypt(pupil.bsn_encrypted)
    for part in (text, message.body, message.subject, *(alt for alt, _type in message.alternatives)):
        assert bsn not in part and bsn_like_numbers(part) == []
    # Delivered: the queue keeps neither the body nor the attachment.
    outgoing = OutgoingMail.objects.get()
    assert outgoing.state == OutgoingMail.State.SENT and outgoing.payload == {}
    assert FormRevision.objects.filter(form=form, action=FormRevision.Action.MAILED).exists()
    # The audit log names who sent it, also though a task did the sending.
    from audit.models import AuditEntry

    entry = AuditEntry.objects.filter(pupil_id=pupil.pk, summary__contains="gemaild").get()
    assert entry.actor_name == "Sanne de Vries" and entry.actor_role == "mentor"

    # With the box ticked, the care steps go along.
    assert 'data-testid="mail-care"' in confirm
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("doorstroom:mailen", args=[pupil.pk]), {"met_zorg": "ja"})
    [(_name, content, _type)] = mail.outbox[0].attachments
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Aandachtspunten" in text and "Tot welke doelgroep" in text and bsn_like_numbers(text) == []
    assert "met de zorgstappen" in FormRevision.objects.filter(action=FormRevision.Action.MAILED).latest("pk").note


@pytest.mark.django_db
def test_a_queued_attachment_waits_in_the_payload_until_delivery(settings, django_capture_on_commit_callbacks):
    from accounts.mail import send_templated_mail

    settings.EMAIL_BACKEND = QUEUED["EMAIL_BACKEND"]
    with django_capture_on_commit_callbacks(execute=False):
        send_templated_mail(
            to=["a@example.com"],
            subject="Met bijlage",
            template="accounts/mail/password_changed",
            context={"user": {"get_short_name": "A", "username": "a"}, "when": None},
            attachments=[("a.pdf", b"%PDF-1.4 x", "application/pdf"), ("b.txt", "tekst", "text/plain")],
        )
    payload = OutgoingMail.objects.get().payload
    assert [a["filename"] for a in payload["attachments"]] == ["a.pdf", "b.txt"]
    from notifications.mail import deserialise_attachments

    assert deserialise_attachments(payload["attachments"]) == [
        ("a.pdf", b"%PDF-1.4 x", "application/pdf"),
        ("b.txt", "tekst", "text/plain"),
    ]


@pytest.mark.django_db
def test_without_an_e_mail_address_mailing_is_not_offered(client, demo, pupil):
    from students.models import Pupil

    complete_form(pupil)
    Pupil.objects.filter(pk=pupil.pk).update(email="")
    login_as(client, demo["decaan.vo1"])
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert 'data-testid="form-mail"' not in page and 'data-testid="no-email"' in page
    assert client.post(reverse("doorstroom:mailen", args=[pupil.pk])).status_code == 403


@pytest.mark.django_db
def test_the_zorgcoordinator_does_not_mail(client, demo, pupil):
    complete_form(pupil)
    login_as(client, demo["zorg.vo1"])
    assert client.get(reverse("doorstroom:mailen", args=[pupil.pk])).status_code == 403


@pytest.mark.django_db
def test_a_failed_mail_to_the_pupil_is_in_their_inzage_and_goes_with_them(
    client, demo, pupil, settings, eager, django_capture_on_commit_callbacks
):
    from notifications.models import OutgoingMail
    from students.models import Pupil
    from tests.notifications.flaky_backend import FlakyBackend

    settings.EMAIL_BACKEND = "notifications.mail.QueuedEmailBackend"
    settings.VOROC_EMAIL_DELIVERY_BACKEND = "tests.notifications.flaky_backend.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 1000
    complete_form(pupil)
    other = PupilFactory(school=pupil.school, email="ander@example.com")
    complete_form(other)
    login_as(client, demo["decaan.vo1"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("doorstroom:mailen", args=[pupil.pk]), {"met_zorg": "ja"})
        client.post(reverse("doorstroom:mailen", args=[other.pk]))
    mine = OutgoingMail.objects.get(pupil=pupil)
    assert mine.state == OutgoingMail.State.FAILED and mine.payload["attachments"]  # the PDF with the care steps
    assert OutgoingMail.objects.filter(pupil=other).exists()

    login_as(client, demo["servicedesk"])
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("admin:students_pupil_inzage", args=[pupil.pk])).content))
    import json

    [row] = json.loads(archive.read("inzage.json"))["emails"]
    assert row["aan"] == "sem@example.com" and row["status"] == "mislukt" and row["bijlagen"].endswith(".pdf")
    [pdf_name] = [n for n in archive.namelist() if n.startswith("bestanden/emails/")]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read(pdf_name))).pages)
    assert "Aandachtspunten" in text

    client.post(reverse("admin:students_pupil_remove", args=[pupil.pk]), {"confirm": str(pupil.pk)})
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert not OutgoingMail.objects.filter(to="sem@example.com").exists()
    assert OutgoingMail.objects.filter(to="ander@example.com").exists()  # another pupil's mail stays
