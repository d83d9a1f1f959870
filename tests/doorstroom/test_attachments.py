"""Attachments: up to 5 real PDFs of at most 10 MB, checked by content, stored outside the web root, served only
through the access rule as a download; what was sent keeps its attachments."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from doorstroom.attachments import MAX_BYTES
from doorstroom.models import Attachment, SnapshotAttachment, StoredFile
from doorstroom.services import approve, start_correction
from students.aanmeldingen import add_aanmelding
from tests.conftest import login_as
from tests.doorstroom.conftest import posted
from tests.doorstroom.helpers import complete_form, make_form, pdf_file


def upload(client, pupil, field: str, *files, step: str = "akkoord"):
    data = posted(pupil, step, "blijf")
    data[f"a-{field}"] = list(files)
    return client.post(reverse("doorstroom:formulier", args=[pupil.pk]), data, follow=True)


@pytest.mark.django_db
def test_a_real_pdf_is_added_and_downloaded_only_as_a_file(mentor, pupil):
    response = upload(mentor, pupil, "lob_paspoort", pdf_file("Mijn LOB-paspoort.pdf"), step="loopbaan")
    assert response.status_code == 200 and "“Mijn LOB-paspoort.pdf” is toegevoegd." in response.content.decode()
    attachment = Attachment.with_pending.get()
    path = attachment.blob.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and "Jansen" not in path and attachment.blob.pages == 1
    download = mentor.get(reverse("doorstroom:bijlage", args=[attachment.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="Mijn LOB-paspoort.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_media_store_has_no_url():
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"  # Django's default: nothing is served
    with pytest.raises(Resolver404):
        resolve("/media/doorstroom/aa/x.pdf")


@pytest.mark.django_db
def test_a_file_that_only_says_pdf_is_refused(mentor, pupil):
    fake = SimpleUploadedFile("paspoort.pdf", b"MZ\x90\x00 dit is een programma", content_type="application/pdf")
    page = upload(mentor, pupil, "bijlagen", fake).content.decode()
    assert "“paspoort.pdf” is geen pdf-bestand" in page and not Attachment.with_pending.exists()
    broken = SimpleUploadedFile("kapot.pdf", b"%PDF-1.7\n" + b"\x00" * 200, content_type="application/pdf")
    page = upload(mentor, pupil, "bijlagen", broken).content.decode()
    assert "“kapot.pdf” kan niet worden geopend" in page and not Attachment.with_pending.exists()


@pytest.mark.django_db
def test_a_password_protected_pdf_and_one_with_a_bsn_are_refused(mentor, pupil):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("geheim")
    out = io.BytesIO()
    writer.write(out)
    page = upload(mentor, pupil, "bijlagen", SimpleUploadedFile("opp.pdf", out.getvalue())).content.decode()
    assert "beveiligd met een wachtwoord" in page
    with_bsn = pdf_file("verslag.pdf", ["Verslag van het onderzoek", "BSN 111222333"])
    page = upload(mentor, pupil, "bijlagen", with_bsn).content.decode()
    assert "lijkt een BSN te bevatten" in page and not Attachment.with_pending.exists()


@pytest.mark.django_db
def test_a_sixth_attachment_is_refused(mentor, pupil):
    upload(mentor, pupil, "lob_paspoort", pdf_file("lob.pdf"), step="loopbaan")
    upload(mentor, pupil, "bijlagen", *[pdf_file(f"bijlage-{n}.pdf") for n in range(4)])
    assert Attachment.with_pending.count() == 5
    page = upload(mentor, pupil, "bijlagen", pdf_file("zesde.pdf")).content.decode()
    assert "“zesde.pdf” is niet toegevoegd: bij een formulier horen hoogstens 5 bijlagen" in page
    assert 'name="a-bijlagen"' not in page  # and no field to choose a file any more …
    from doorstroom.attachments import add_attachment
    from doorstroom.models import FormDraft, Formulier

    with pytest.raises(Exception, match="hoogstens 5 bijlagen"):  # … and the service refuses it too
        add_attachment(
            form=Formulier.objects.get(), draft=FormDraft.objects.get(), field_key="bijlagen", upload=pdf_file("6.pdf")
        )
    assert Attachment.with_pending.count() == 5
    # One LOB-paspoort: a second one asks to remove the first.
    page = mentor.get(reverse("doorstroom:formulier", args=[pupil.pk]) + "?stap=loopbaan").content.decode()
    assert "Hier hoort hoogstens 1 bestand" in page


@pytest.mark.django_db
def test_a_file_over_10_mb_is_refused_while_it_arrives(mentor, pupil):
    big = SimpleUploadedFile("groot.pdf", b"%PDF-1.4\n" + b"0" * (MAX_BYTES + 10))
    page = upload(mentor, pupil, "bijlagen", big).content.decode()
    assert "“groot.pdf” is groter dan 10 MB en is niet toegevoegd" in page
    assert not Attachment.with_pending.exists() and not StoredFile.objects.exists()


@pytest.mark.django_db
def test_the_upload_handler_drops_a_large_file_without_holding_it(rf):
    from accounts.uploads import LimitedUploadHandler

    handler = LimitedUploadHandler(limit=1000)
    handler.new_file("a-bijlagen", "groot.pdf", "application/pdf", 5000)
    from django.core.files.uploadhandler import SkipFile

    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 600, 600)
    assert handler.too_large == [("a-bijlagen", "groot.pdf")]
    # A view that sets no limit is not touched (the handler is on the settings' list for every upload).
    unmarked = LimitedUploadHandler(rf.post("/elders/"))
    unmarked.new_file("bestand", "groot.csv", "text/csv", 5000)
    assert unmarked.receive_data_chunk(b"x" * 5000, 0) == b"x" * 5000 and unmarked.limit is None


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["mentor.vo2", "decaan.vo2", "roc.mbo1", "gemeente.denhaag"])
def test_outside_the_scope_an_attachment_does_not_exist(client, demo, pupil, school, username):
    make_form(pupil)
    attachment = Attachment.objects.get()
    login_as(client, demo[username])
    assert client.get(reverse("doorstroom:bijlage", args=[attachment.pk])).status_code == 404


@pytest.mark.django_db
def test_a_mentor_of_another_group_gets_404_on_an_attachment(client, demo, school):
    from tests.factories import GroupFactory, PupilFactory

    stranger = PupilFactory(school=school, group=GroupFactory(school=school, name="4C"))
    make_form(stranger)
    login_as(client, demo["mentor.vo1"])
    assert client.get(reverse("doorstroom:bijlage", args=[Attachment.objects.get().pk])).status_code == 404


@pytest.mark.django_db
def test_what_was_sent_keeps_its_attachments(client, demo, pupil, opleiding1, committed):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = complete_form(pupil)
    committed(approve, form=form, by=demo["decaan.vo1"])
    sent = SnapshotAttachment.objects.get()
    correction = start_correction(form=form, by=demo["decaan.vo1"])
    login_as(client, demo["decaan.vo1"])
    copy = correction.attachments.get()
    for action in (f"bijlage-weg-ja:{copy.pk}", "opslaan"):
        client.post(reverse("doorstroom:formulier", args=[pupil.pk]), posted(pupil, "loopbaan", action))
    assert not correction.attachments.exists()
    assert sent.blob.file.storage.exists(sent.blob.file.name)  # the file the mbo received is still there
    login_as(client, demo["roc.mbo1"])
    download = client.get(reverse("doorstroom:verzonden_bijlage", args=[sent.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_a_stored_file_goes_when_nothing_points_to_it_any_more(mentor, pupil, django_capture_on_commit_callbacks):
    import os

    form = make_form(pupil)
    saved = form.attachments.get()
    url = reverse("doorstroom:formulier", args=[pupil.pk])
    with django_capture_on_commit_callbacks(execute=True):
        upload(mentor, pupil, "bijlagen", pdf_file("extra.pdf", ["Een ander verslag"]))
    added = Attachment.with_pending.exclude(pk=saved.pk).get()
    paths = [saved.blob.file.path, added.blob.file.path]
    assert all(map(os.path.exists, paths)) and paths[0] != paths[1]
    with django_capture_on_commit_callbacks(execute=True):  # one added but not saved goes at once, with its file
        mentor.post(url, posted(pupil, "akkoord", f"bijlage-weg-ja:{added.pk}"))
    assert not os.path.exists(paths[1]) and os.path.exists(paths[0])
    with django_capture_on_commit_callbacks(execute=True):  # a saved one on Opslaan
        mentor.post(url, posted(pupil, "loopbaan", f"bijlage-weg-ja:{saved.pk}"))
        assert os.path.exists(paths[0])
        mentor.post(url, posted(pupil, "loopbaan", "opslaan"))
    assert not StoredFile.objects.exists() and not os.path.exists(paths[0])


@pytest.mark.django_db
def test_a_file_named_after_a_bsn_keeps_no_bsn_in_its_name(mentor, pupil):
    upload(mentor, pupil, "bijlagen", pdf_file("verslag 111222333.pdf", ["Verslag"]))
    assert Attachment.with_pending.get().name == "verslag •••••••••.pdf"
