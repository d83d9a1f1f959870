"""The import is in the school's Logboek: one entry for the import, one per pupil it created."""

import pytest
from django.urls import reverse

from tests.conftest import login_as
from tests.factories import valid_bsn

from .files import csv_bytes, person
from .helpers import confirm, upload_and_confirm

pytestmark = pytest.mark.django_db


def test_the_import_is_in_the_logboek(client, demo):
    login_as(client, demo["beheerder.vo1"])
    imp = upload_and_confirm(client, "a.csv", csv_bytes([person(0, valid_bsn(100)), person(1, "123456789")]))
    confirm(client, imp)
    html = client.get(reverse("students:logboek") + "?handeling=alle").content.decode()
    assert "leerlingimport: 1 nieuw, 1 geweigerd" in html
    assert "leerling geïmporteerd" in html
