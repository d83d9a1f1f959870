"""Uitnodigen: the school invites a pupil from the pupil's page; the pupil chooses a password through a single-use
link that works 7 days; the invitation can be sent again; a double submit sends one mail."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from dossier.models import PupilAccount
from tests.conftest import login_as
from tests.dossier.helpers import link_in, mails_to
from tests.factories import GroupFactory, PupilFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Zomer-vakantie-2027"


@pytest.fixture
def pupil(vo1):
    return PupilFactory(
        school=vo1, voornaam="Daniël", tussenvoegsel="van", achternaam="Öztürk", email="daniel@example.com"
    )


def invite(client, pupil, email=None):
    return client.post(
        reverse("leerlingaccounts:uitnodigen", args=[pupil.pk]), {"email": email or pupil.email}, follow=True
    )


def choose_password(client, path, password=NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_the_decaan_invites_and_the_pupil_chooses_a_password_once(client, demo, pupil):
    login_as(client, demo["decaan.vo1"])
    form = client.get(reverse("leerlingaccounts:uitnodigen", args=[pupil.pk])).content.decode()
    assert 'value="daniel@example.com"' in form  # the address of the pupil record
    page = invite(client, pupil).content.decode()
    assert "krijgt een uitnodiging op daniel@example.com" in page
    account = PupilAccount.objects.get(pupil=pupil)
    assert account.state == "uitgenodigd" and account.invite_expires_at - account.invited_at == datetime.timedelta(
        days=7
    )
    assert not account.user.has_usable_password() and account.user.role == "leerling"
    assert account.user.organisation == pupil.school and account.user.username == "daniel.vanozturk"
    assert "uitgenodigd" in client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert AuditEntry.objects.filter(pupil_id=pupil.pk, summary="leerlingaccount: uitnodiging gestuurd").exists()

    [message] = mails_to("daniel@example.com")
    assert "Hoi Daniël" in message.body and "daniel.vanozturk" in message.body and "7 dagen" in message.body
    path = link_in(message, "/leerling/uitnodiging/")
    client.logout()
    assert "Kies je wachtwoord" in client.get(path).content.decode()
    weak = choose_password(client, path, "daniel123")
    assert weak.status_code == 200 and "wachtwoord" in weak.content.decode().lower()
    assert choose_password(client, path).status_code == 302
    account.refresh_from_db()
    assert account.state == "actief" and account.invite_token == ""
    # Single use: the same link again says it no longer works, and changes nothing.
    again = client.get(path).content.decode()
    assert 'data-testid="link-invalid"' in again
    assert choose_password(client, path, "Nog-een-ander-99").status_code == 200
    login = client.post(reverse("accounts:login"), {"username": "daniel.vanozturk", "password": NEW_PASSWORD})
    assert login.url == reverse("leerling:home")
    assert "Daniël van Öztürk" in client.get(reverse("leerling:home")).content.decode()


def test_the_link_expires_after_7_days_and_a_new_invitation_replaces_it(client, demo, pupil):
    login_as(client, demo["decaan.vo1"])
    invite(client, pupil)
    first = link_in(mails_to(pupil.email)[0], "/leerling/uitnodiging/")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        login_as(client, demo["decaan.vo1"])  # a week later: a new session
        assert 'data-testid="link-invalid"' in client.get(first).content.decode()
        assert "uitnodiging verlopen" in client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
        sent = client.post(reverse("leerlingaccounts:opnieuw", args=[pupil.pk]), follow=True)
        assert "krijgt een nieuwe uitnodiging" in sent.content.decode()
        second = link_in(mails_to(pupil.email)[1], "/leerling/uitnodiging/")
        assert second != first
        assert 'data-testid="link-invalid"' in client.get(first).content.decode()
        client.logout()
        assert choose_password(client, second).status_code == 302
    assert PupilAccount.objects.get(pupil=pupil).state == "actief"
    assert AuditEntry.objects.filter(pupil_id=pupil.pk, summary__contains="opnieuw gestuurd").count() == 1


def test_a_resend_to_another_address_leaves_the_old_link_dead(client, demo, pupil):
    login_as(client, demo["decaan.vo1"])
    invite(client, pupil)
    first = link_in(mails_to(pupil.email)[0], "/leerling/uitnodiging/")
    invite(client, pupil, email="Daniel.Prive@Example.com")
    [message] = mails_to("daniel.prive@example.com")
    assert PupilAccount.objects.get(pupil=pupil).user.email == "daniel.prive@example.com"
    assert 'data-testid="link-invalid"' in client.get(first).content.decode()
    assert "Kies je wachtwoord" in client.get(link_in(message, "/leerling/uitnodiging/")).content.decode()


def test_a_double_submit_sends_one_invitation(client, demo, pupil):
    login_as(client, demo["decaan.vo1"])
    invite(client, pupil)
    second = invite(client, pupil).content.decode()
    assert "Dit was al opgeslagen" in second
    assert len(mails_to(pupil.email)) == 1
    assert PupilAccount.objects.filter(pupil=pupil).count() == 1


def test_an_address_in_use_is_refused_with_a_message(client, demo, pupil):
    login_as(client, demo["decaan.vo1"])
    page = invite(client, pupil, email="mentor.vo1@demo.voroc.nl").content.decode()
    assert "al in gebruik in VOROC" in page
    assert not PupilAccount.objects.filter(pupil=pupil).exists() and mail.outbox == []
    assert "Vul een geldig e-mailadres in" in invite(client, pupil, email="geen-adres").content.decode()


def test_who_may_invite(client, demo, pupil):
    url = reverse("leerlingaccounts:uitnodigen", args=[pupil.pk])
    login_as(client, demo["zorg.vo1"])
    assert client.get(url).status_code == 403  # reads the pupil, may not change it
    login_as(client, demo["decaan.vo2"])
    assert client.get(url).status_code == 404  # another school's pupil does not exist for them
    login_as(client, demo["beheerder.vo1"])
    assert client.get(url).status_code == 200
    invite(client, pupil)
    PupilAccount.objects.filter(pupil=pupil).update(activated_at=timezone.now())
    assert client.get(url).status_code == 403  # an active account is not invited again


def test_a_group_is_invited_at_once_and_a_second_post_invites_nobody_twice(client, demo, vo1, pupil):
    group = GroupFactory(school=vo1, name="4Z")
    others = [PupilFactory(school=vo1, group=group) for _ in range(2)]
    pupil.group = group
    pupil.save()
    login_as(client, demo["decaan.vo1"])
    invite(client, pupil)  # invited already from the pupil's page
    url = reverse("leerlingaccounts:groep") + f"?groep={group.pk}"
    page = client.get(url).content.decode()
    assert page.count('name="leerling"') == 2 and "uitgenodigd" in page
    ticked = {"leerling": [str(p.pk) for p in [pupil, *others]]}
    done = client.post(url, ticked, follow=True).content.decode()
    assert "2 leerlingen krijgen een uitnodiging." in done and "1 leerling had al een uitnodiging" in done
    again = client.post(url, ticked, follow=True).content.decode()
    assert "0 leerlingen krijgen een uitnodiging." in again
    assert {len(mails_to(p.email)) for p in [pupil, *others]} == {1}
    assert PupilAccount.objects.filter(pupil__group=group).count() == 3
    login_as(client, demo["decaan.vo2"])
    assert client.get(url).status_code == 404  # another school's group


def test_the_decaan_removes_an_account_and_may_invite_again(client, demo, pupil):
    login_as(client, demo["mentor.vo1"])
    url = reverse("leerlingaccounts:opheffen", args=[pupil.pk])
    assert client.get(url).status_code == 403  # a mentor invites, a decaan removes
    login_as(client, demo["decaan.vo1"])
    invite(client, pupil)
    user = PupilAccount.objects.get(pupil=pupil).user
    assert "Weet u zeker" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(pupil_id=pupil.pk, action="view", screen="leerlingaccounts:opheffen").exists()
    page = client.post(url, follow=True).content.decode()
    assert "is opgeheven" in page and "Nog geen account." in page
    assert not PupilAccount.objects.filter(pupil=pupil).exists() and not type(user).objects.filter(pk=user.pk).exists()
    assert AuditEntry.objects.filter(pupil_id=pupil.pk, summary="leerlingaccount opgeheven").exists()
    assert client.get(url).status_code == 404


def test_an_invited_pupil_who_uses_forgotten_password_counts_as_active(
    client, demo, pupil, django_capture_on_commit_callbacks, eager
):
    login_as(client, demo["decaan.vo1"])
    invite(client, pupil)
    account = PupilAccount.objects.get(pupil=pupil)
    account.user.set_password(NEW_PASSWORD)  # as the reset link does
    account.user.save()
    assert PupilAccount.objects.get(pupil=pupil).state == "actief"
    assert client.post(reverse("leerlingaccounts:opnieuw", args=[pupil.pk])).status_code == 403
