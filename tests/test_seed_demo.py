import io

import pytest
from django.core import serializers
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import GemeentePostcode, Organisation, User
from groups.models import Group, MentorGrant
from students import bsn
from students.models import Pupil
from students.schoolyear import current_school_year


def snapshot() -> str:
    objects = [
        *Organisation.objects.order_by("pk"),
        *GemeentePostcode.objects.order_by("pk"),
        *User.objects.order_by("pk"),
        *Group.objects.order_by("pk"),
        *MentorGrant.objects.order_by("pk"),
        *Pupil.objects.order_by("pk"),
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
        "gemeente.delft",
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "gemeente", "mentor", "mentor_groups"),
    [
        ("00AA", "GM0518", "mentor.vo1", {"4A", "4B"}),
        ("00BB", "GM0503", "mentor.vo2", {"4KB"}),
    ],
)
def test_each_vo_school_gets_pupils_in_five_groups(demo_pupils, code, gemeente, mentor, mentor_groups):
    pupils = Pupil.objects.filter(school__code=code, school_year=current_school_year())
    assert pupils.count() == 120
    assert set(pupils.values_list("school_year", flat=True)) == {current_school_year()}
    assert Group.objects.filter(school__code=code).count() == 5
    assert 100 <= pupils.filter(group__isnull=False).count() < 120  # a few left to place on the Groepen tab
    without = pupils.filter(no_bsn_code__isnull=False).count()
    assert 1 <= without <= 5
    values = [bsn.decrypt(p.bsn_encrypted) for p in pupils.exclude(bsn_encrypted="")]
    assert len(values) == 120 - without and len(set(values)) == len(values)
    assert all(bsn.passes_elfproef(v) for v in values)
    # Most live in the school's own gemeente; some in the other one (the gemeente sees pupils of every school).
    areas = set(GemeentePostcode.objects.filter(gemeente__code=gemeente).values_list("postcode", flat=True))
    region = set(GemeentePostcode.objects.values_list("postcode", flat=True))
    assert all(p.postcode[:4] in region for p in pupils)
    elsewhere = [p for p in pupils if p.postcode[:4] not in areas]
    assert 5 <= len(elsewhere) <= 15
    assert len({p.achternaam for p in pupils}) > 30  # realistic variety, not one name repeated
    for pupil in pupils[:20]:
        pupil.full_clean()  # every demo record passes the same checks as one typed in
    linked = set(Group.objects.filter(mentor_grants__user__username=mentor).values_list("name", flat=True))
    assert linked == mentor_groups
