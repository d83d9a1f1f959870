from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.models import PupilImport


def upload(client, name: str, data: bytes):
    return client.post(reverse("students:importeren"), {"bestand": SimpleUploadedFile(name, data)})


def upload_and_confirm(client, name: str, data: bytes, *, changes: dict | None = None) -> PupilImport:
    """Upload a file and confirm the mapping as VOROC guessed it (with ``changes`` to the posted form)."""
    response = upload(client, name, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    imp = PupilImport.objects.latest("pk")
    form = client.get(reverse("students:import_kolommen", args=[imp.pk])).context["form"]
    posted = {name: form[name].value() or "" for name in form.fields}
    posted.update(changes or {})
    response = client.post(reverse("students:import_kolommen", args=[imp.pk]), posted)
    assert response.status_code == 302, response.content.decode()[-3000:]
    imp.refresh_from_db()
    return imp


def preview(client, imp):
    return client.get(reverse("students:import_controle", args=[imp.pk]))


def lines_of(response, kind: str) -> list[int]:
    return sorted({row.line for row in response.context[kind]})


def confirm(client, imp):
    return client.post(reverse("students:import_controle", args=[imp.pk]), {"actie": "importeren"})
