import io

import pytest
from django.core import serializers
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import GemeentePostcode, Organisation, User


def snapshot() -> str:
    objects = [
        *Organisation.objects.order_by("pk"),
        *GemeentePostcode.objects.order_by("pk"),
        *User.objects.order_by("pk"),
    ]
    return serializers.serialize("json", objects)


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert snapshot() == first
    assert "0 new records" in out.getvalue()


@pytest.mark.django_db
def test_demo_region_and_logins(demo, demo_pw):
    assert {o.code: o.kind for o in Organisation.objects.all()} == {
        "00AA": "vo",
        "00BB": "vo",
        "25AA": "mbo",
        "25BB": "mbo",
        "GM0518": "gemeente",
        "GM0503": "gemeente",
        "SERVICEDESK": "servicedesk",
    }
    assert Organisation.objects.get(code="25AA").connected and not Organisation.objects.get(code="25BB").connected
    assert GemeentePostcode.objects.get(postcode="2511").gemeente.code == "GM0518"
    assert GemeentePostcode.objects.get(postcode="2611").gemeente.code == "GM0503"
    expected = {
        "beheerder.vo1",
        "decaan.vo1",
        "mentor.vo1",
        "zorg.vo1",
        "beheerder.vo2",
        "decaan.vo2",
        "mentor.vo2",
        "roc.mbo1",
        "gemeente.denhaag",
        "servicedesk",
    }
    assert set(demo) == expected
    for username in expected - {"servicedesk"}:
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": username, "password": demo_pw})
        assert response.status_code == 302 and response.url == reverse("notifications:meldingen"), username


@pytest.mark.django_db
def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Ander-demo-88")
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert User.objects.get(username="mentor.vo2").check_password("Ander-demo-88")
    assert "Ander-demo-88" in out.getvalue()
