"""A leerling sees only their own things: their dossier home and Mijn profiel; every other page is 404, and the one
access rule and the selectors give them nothing of any pupil. The same lockout, sessions and second factor as
staff."""

import pytest
from django.urls import reverse

from dossier.selectors import own_pupil, pupil_accounts_visible_to, registrations_visible_to
from notifications.selectors import meldingen_visible_to
from students.models import Pupil
from students.selectors import aanmeldingen_visible_to, groups_visible_to, pupils_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def leerling(demo_pupils):
    return demo_pupils["leerling.vo1"]


def test_the_home_shows_name_school_and_an_honest_sentence_no_bsn(client, leerling, demo_pw):
    response = client.post(reverse("accounts:login"), {"username": "leerling.vo1", "password": demo_pw})
    assert response.url == reverse("leerling:home")
    page = client.get(reverse("leerling:home")).content.decode()
    pupil = leerling.pupil_account.pupil
    assert pupil.full_name in page and pupil.school.name in page
    assert "bekend bij je school" in page and "Nieuw dossier" in page
    assert "Mijn doorstroomdossier" in page and "Meldingen" not in page  # the one tab a leerling has
    assert client.get("/").url == reverse("leerling:home")


def test_every_other_page_is_404_also_the_own_record_on_the_school_pages(client, leerling, demo_pupils):
    client.force_login(leerling)
    own = leerling.pupil_account.pupil
    other = Pupil.objects.exclude(pk=own.pk).filter(school=own.school).first()
    for url in (
        reverse("students:leerling", args=[own.pk]),
        reverse("students:leerling", args=[other.pk]),
        reverse("doorstroom:formulier", args=[own.pk]),
        reverse("notifications:meldingen"),
        reverse("students:overzicht"),
        reverse("leerlingaccounts:index"),
        reverse("leerlingaccounts:uitnodigen", args=[other.pk]),
        reverse("monitor:index"),
        reverse("admin:index"),
        "/bestaat-niet/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get(reverse("accounts:otp_setup")).status_code == 200  # TOTP is the leerling's own choice


def test_the_rule_and_the_selectors_give_a_leerling_nothing(leerling):
    assert not pupils_visible_to(leerling).exists()
    assert not aanmeldingen_visible_to(leerling).exists()
    assert not groups_visible_to(leerling).exists()
    assert not meldingen_visible_to(leerling).exists()
    assert not pupil_accounts_visible_to(leerling).exists()
    assert not registrations_visible_to(leerling).exists()
    assert own_pupil(leerling) == leerling.pupil_account.pupil  # their own record, through their own account only


def test_the_lockout_applies_to_a_leerling(client, leerling, demo_pw):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "leerling.vo1", "password": "fout-wachtwoord1"})
    locked = client.post(reverse("accounts:login"), {"username": "leerling.vo1", "password": demo_pw})
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_sessions_end_after_30_idle_minutes_as_for_staff(client, leerling, demo_pw):
    import datetime

    import time_machine
    from django.utils import timezone

    client.post(reverse("accounts:login"), {"username": "leerling.vo1", "password": demo_pw})
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert client.get(reverse("leerling:home")).url.startswith(reverse("accounts:login"))


def test_a_leerling_with_a_second_factor_gives_its_code(client, leerling, demo_pw):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(leerling)
    setup = client.get(reverse("accounts:otp_setup")).content.decode()
    assert "Je kiest zelf voor een tweede stap" in setup and "Code uit je authenticator-app" in setup
    client.logout()
    TOTPDevice.objects.filter(user=leerling).delete()
    TOTPDevice.objects.create(user=leerling, name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "leerling.vo1", "password": demo_pw})
    assert client.get(reverse("leerling:home")).url == reverse("accounts:otp_verify")
    assert "Open je authenticator-app" in client.get(reverse("accounts:otp_verify")).content.decode()


def test_removing_the_pupil_record_removes_the_login(leerling):
    from accounts.models import User

    leerling.pupil_account.pupil.delete()
    assert not User.objects.filter(pk=leerling.pk).exists()


def test_mijn_profiel_speaks_to_the_leerling_and_asks_no_aanhef(client, leerling):
    client.force_login(leerling)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="aanhef"' not in page and 'name="meldingen_digest"' not in page
    assert "na je wachtwoord vraagt VOROC" in page and "leerling.vo1" in page
    data = {"voornaam": "Sam", "tussenvoegsel": "", "achternaam": leerling.achternaam, "telefoon": "",
            "email": "sam@example.com"}  # fmt: skip
    saved = client.post(reverse("accounts:profile"), data, follow=True)
    assert "Je gegevens zijn opgeslagen." in saved.content.decode()
    leerling.refresh_from_db()
    assert (leerling.voornaam, leerling.email) == ("Sam", "sam@example.com")
    assert saved.redirect_chain[-1][0] == reverse("leerling:home")


def test_a_forgotten_password_works_for_a_leerling_and_the_mail_says_je(
    client, leerling, django_capture_on_commit_callbacks, eager
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):  # the look-up and the mail run in a task after the commit
        client.post(reverse("accounts:password_reset"), {"username": "leerling.vo1"})
    [message] = mail.outbox
    assert "Je hebt gevraagd om een nieuw wachtwoord" in message.body and "/wachtwoord-herstellen/" in message.body


def test_a_pupil_who_logs_in_from_the_start_address_or_a_staff_bookmark_lands_at_home(client, leerling, demo_pw):
    response = client.get("/")
    assert response.url == reverse("accounts:login")  # no "next" to a page that is not the pupil's
    for next_url in ("/meldingen/", "/leerlingen/", "/bestaat-niet/"):
        client.post(reverse("accounts:logout"))
        response = client.post(
            reverse("accounts:login") + f"?next={next_url}", {"username": "leerling.vo1", "password": demo_pw}
        )
        assert response.url == reverse("leerling:home"), next_url
    client.post(reverse("accounts:logout"))
    own_page = reverse("leerling:nieuw")
    response = client.post(
        reverse("accounts:login") + f"?next={own_page}", {"username": "leerling.vo1", "password": demo_pw}
    )
    assert response.url == own_page
