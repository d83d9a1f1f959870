"""The servicedesk manages users in admin: invitations instead of passwords, lifting lockouts."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organisation, User

from ..factories import UserFactory
from .test_admin_otp import code_for

CHANGELIST = reverse("admin:accounts_user_changelist")


def new_user(username: str, organisation_code: str, role: str, **names) -> dict:
    """The admin's "Gebruiker toevoegen" form as the servicedesk fills it in."""
    return {
        "username": username,
        "organisation": Organisation.objects.get(code=organisation_code).pk,
        "role": role,
        "aanhef": "dhr",
        "email": f"{username}@voroc.example",
        **names,
    }


@pytest.fixture
def servicedesk_client(client, demo, demo_pw):
    device = TOTPDevice.objects.create(user=demo["servicedesk"], name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "servicedesk", "password": demo_pw})
    client.post(reverse("accounts:otp_verify"), {"code": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200
    return client


@pytest.mark.django_db
def test_a_new_user_is_invited_and_chooses_their_own_password(servicedesk_client, django_capture_on_commit_callbacks):
    vo2 = Organisation.objects.get(code="00BB")
    form = reverse("admin:accounts_user_add")
    assert 'name="password1"' not in servicedesk_client.get(form).content.decode()
    data = {
        "username": "Nieuwe.Mentor",
        "organisation": vo2.pk,
        "role": "mentor",
        "aanhef": "mevr",
        "voornaam": "Noor",
        "tussenvoegsel": "",
        "achternaam": "Haddou",
        "email": "n.haddou@vo2.example",
        "telefoon": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = servicedesk_client.post(form, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="nieuwe.mentor")
    assert not user.has_usable_password()
    (invitation,) = mail.outbox
    assert invitation.to == ["n.haddou@vo2.example"] and "nieuwe.mentor" in invitation.body
    link = re.search(r"http://127\.0\.0\.1:8000(/wachtwoord-herstellen/\S+/)", invitation.body).group(1)
    person = Client()
    page = person.get(link, follow=True)
    person.post(
        page.redirect_chain[-1][0], {"new_password1": "Zonnebloem-Kade-77", "new_password2": "Zonnebloem-Kade-77"}
    )
    response = person.post(reverse("accounts:login"), {"username": "nieuwe.mentor", "password": "Zonnebloem-Kade-77"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_role_must_fit_its_organisation(servicedesk_client):
    data = new_user("fout.rol", "25AA", "decaan", voornaam="A", achternaam="B")
    response = servicedesk_client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert "hoort bij een vo-school" in response.content.decode()
    assert not User.objects.filter(username="fout.rol").exists()


@pytest.mark.django_db
def test_the_servicedesk_makes_no_pupil_accounts_in_admin(servicedesk_client):
    """A pupil's account comes from the school's invitation or the pupil's registration (tests/dossier)."""
    html = servicedesk_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'value="leerling"' not in html and 'value="decaan"' in html


@pytest.mark.django_db
def test_servicedesk_sees_and_lifts_a_lockout(servicedesk_client, demo, demo_pw):
    person = Client()
    for _ in range(5):
        person.post(reverse("accounts:login"), {"username": "zorg.vo1", "password": "fout-wachtwoord1"})
    locked = servicedesk_client.get(CHANGELIST + "?geblokkeerd=ja")
    assert [u.username for u in locked.context["cl"].result_list] == ["zorg.vo1"]
    zorg = demo["zorg.vo1"]
    servicedesk_client.post(CHANGELIST, {"action": "unlock_logins", "_selected_action": [zorg.pk]})
    assert list(servicedesk_client.get(CHANGELIST + "?geblokkeerd=ja").context["cl"].result_list) == []
    assert person.post(reverse("accounts:login"), {"username": "zorg.vo1", "password": demo_pw}).status_code == 302


@pytest.mark.django_db
def test_user_list_query_count_does_not_grow_with_users(servicedesk_client, django_assert_max_num_queries):
    # The count is pinned at its value for the demo's 11 users; 60 more users must not add queries.
    with django_assert_max_num_queries(100) as baseline:
        servicedesk_client.get(CHANGELIST)
    school = Organisation.objects.get(code="00AA")
    UserFactory.create_batch(60, organisation=school)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = servicedesk_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 71


@pytest.mark.django_db
def test_an_invited_servicedesk_colleague_can_run_the_admin(servicedesk_client, django_capture_on_commit_callbacks):
    data = new_user("collega", "SERVICEDESK", "servicedesk", voornaam="Bas", achternaam="Kok")
    with django_capture_on_commit_callbacks(execute=True):
        servicedesk_client.post(reverse("admin:accounts_user_add"), data)
    colleague = User.objects.get(username="collega")
    assert colleague.is_staff and colleague.is_superuser
    colleague.set_password("Zonnebloem-Kade-77")
    colleague.save()
    person = Client()
    person.post(reverse("accounts:login"), {"username": "collega", "password": "Zonnebloem-Kade-77"})
    setup = person.get(reverse("admin:index"), follow=True)
    assert setup.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=colleague)
    person.post(reverse("accounts:otp_setup"), {"code": code_for(device)})
    # First login: the personal data are checked once, then the admin opens.
    assert person.get(CHANGELIST).url == reverse("accounts:profile_check")
    person.post(
        reverse("accounts:profile_check"),
        {"aanhef": "dhr", "voornaam": "Bas", "achternaam": "Kok", "email": "collega@voroc.example"},
    )
    assert person.get(CHANGELIST).status_code == 200


@pytest.mark.django_db
def test_changing_a_role_away_from_servicedesk_takes_the_admin_away(demo):
    user = demo["servicedesk"]
    user.role = "gemeente"
    user.organisation = Organisation.objects.get(code="GM0518")
    user.save()
    assert not user.is_staff and not user.is_superuser
