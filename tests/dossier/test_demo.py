"""seed_demo: leerling.vo1 (a pupil of VO1 in mentor.vo1's group 4A) logs in with the demo password; a second pupil
of 4A is invited and has not chosen a password yet."""

import pytest
from django.urls import reverse

from dossier.models import PupilAccount

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_active_and_an_invited_pupil(client, demo_pupils, demo_pw):
    accounts = {a.state: a for a in PupilAccount.objects.select_related("user", "pupil__group")}
    assert set(accounts) == {"actief", "uitgenodigd"}
    active = PupilAccount.objects.select_related("user", "pupil__group").get(user__username="leerling.vo1")
    assert active.user.username == "leerling.vo1" and active.pupil.group.name == "4A"
    assert active.pupil.school.code == "00AA" and accounts["uitgenodigd"].pupil.group.name == "4A"
    response = client.post(reverse("accounts:login"), {"username": "leerling.vo1", "password": demo_pw})
    assert response.url == reverse("leerling:home")


def test_the_demo_has_a_dossier_in_each_state(client, demo_pupils, demo_pw):
    from dossier.mentor import part_b_of
    from dossier.models import Dossier

    by_state = {d.state: d for d in Dossier.objects.select_related("account__user", "mentor")}
    assert set(by_state) == {"deel_a", "bij_mentor", "akkoord", "verstuurd"}
    assert by_state["verstuurd"].consents.get().mbo_school.code == "25AA"
    own = by_state["deel_a"]
    assert own.account.user.username == "leerling.vo1" and own.kind == "vo-mbo" and 0 < own.percent < 100
    at_mentor = by_state["bij_mentor"]
    assert at_mentor.percent == 100 and at_mentor.mentor.username == "mentor.vo1" and at_mentor.choice_confirmed
    assert part_b_of(by_state["akkoord"]).complete
    client.post(reverse("accounts:login"), {"username": "mentor.vo1", "password": demo_pw})
    page = client.get(reverse("mentordeel:invullen", args=[at_mentor.pk]))
    assert page.status_code == 200 and at_mentor.account.user.full_name in page.content.decode()
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "leerling.vo1", "password": demo_pw})
    home = client.get(reverse("leerling:home")).content.decode()
    assert f"{own.percent}% ingevuld" in home and "Verder invullen" in home
