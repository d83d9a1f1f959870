"""seed_demo: leerling.vo1 (a pupil of VO1 in mentor.vo1's group 4A) logs in with the demo password; a second pupil
of 4A is invited and has not chosen a password yet."""

import pytest
from django.urls import reverse

from dossier.models import PupilAccount

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_active_and_an_invited_pupil(client, demo_pupils, demo_pw):
    accounts = {a.state: a for a in PupilAccount.objects.select_related("user", "pupil__group")}
    assert set(accounts) == {"actief", "uitgenodigd"}
    active = accounts["actief"]
    assert active.user.username == "leerling.vo1" and active.pupil.group.name == "4A"
    assert active.pupil.school.code == "00AA" and accounts["uitgenodigd"].pupil.group.name == "4A"
    response = client.post(reverse("accounts:login"), {"username": "leerling.vo1", "password": demo_pw})
    assert response.url == reverse("leerling:home")
