from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOGIN = reverse("accounts:login")
WRONG = "De combinatie van loginnaam en wachtwoord is onjuist."


def post_login(client, username, password, ip="10.1.2.3", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.mark.django_db
def test_login_lands_on_meldingen(client, demo, demo_pw):
    response = post_login(client, "decaan.vo1", demo_pw)
    assert response.status_code == 302
    assert response.url == reverse("notifications:meldingen")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Meldingenoverzicht" in page.content.decode()


@pytest.mark.django_db
def test_login_name_is_case_insensitive(client, demo, demo_pw):
    assert post_login(client, "  Decaan.VO1 ", demo_pw).status_code == 302


@pytest.mark.django_db
def test_wrong_password_and_unknown_name_say_the_same(client, demo):
    wrong_password = post_login(client, "decaan.vo1", "fout-wachtwoord1")
    unknown_user = post_login(client, "bestaat.niet", "fout-wachtwoord1")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(decaan_client):
    assert decaan_client.get(reverse("notifications:meldingen")).status_code == 200
    decaan_client.post(reverse("accounts:logout"))
    response = decaan_client.get(reverse("notifications:meldingen"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


@pytest.mark.django_db
def test_five_failures_lock_that_name_from_that_address_for_15_minutes(client, demo, demo_pw):
    for _ in range(5):
        post_login(client, "decaan.vo1", "fout-wachtwoord1")
    # Even the right password is refused now, with the lockout page.
    locked = post_login(client, "decaan.vo1", demo_pw)
    assert locked.status_code == 429
    assert "15 minuten geblokkeerd" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another login name from the same address, and the same name from another address, still work.
    assert post_login(client, "mentor.vo1", demo_pw).status_code == 302
    client.logout()
    assert post_login(client, "decaan.vo1", demo_pw, ip="10.9.9.9").status_code == 302
    client.logout()
    # Case variants of the name count as the same name.
    assert post_login(client, "DECAAN.vo1", demo_pw).status_code == 429
    # After 15 minutes the lock is gone.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert post_login(client, "decaan.vo1", demo_pw).status_code == 302


@pytest.mark.django_db
def test_four_failures_do_not_lock(client, demo, demo_pw):
    for _ in range(4):
        post_login(client, "decaan.vo1", "fout-wachtwoord1")
    assert post_login(client, "decaan.vo1", demo_pw).status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, demo, demo_pw):
    for i in range(5):
        post_login(client, "decaan.vo1", "fout-wachtwoord1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert post_login(client, "decaan.vo1", demo_pw, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


@pytest.mark.django_db
def test_behind_one_trusted_proxy_the_client_address_is_the_proxys_entry(client, demo, demo_pw, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy (REMOTE_ADDR 172.18.0.2) appends the real client; a client-sent value on the left is ignored.
    for i in range(5):
        post_login(client, "decaan.vo1", "fout", ip="172.18.0.2", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 203.0.113.5")
    assert (
        post_login(client, "decaan.vo1", demo_pw, ip="172.18.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code
        == 429
    )
    assert (
        post_login(client, "decaan.vo1", demo_pw, ip="172.18.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code
        == 302
    )


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(client, demo, demo_pw):
    demo["decaan.vo1"].is_active = False
    demo["decaan.vo1"].save()
    response = post_login(client, "decaan.vo1", demo_pw)
    assert response.status_code == 200 and WRONG in response.content.decode()


@pytest.mark.django_db
def test_the_last_two_tries_before_the_lockout_are_announced(client, demo):
    texts = [post_login(client, "decaan.vo1", "fout-wachtwoord1").content.decode() for _ in range(4)]
    assert "Let op" not in texts[0] and "Let op" not in texts[1]
    assert "Let op: na nog 2 onjuiste pogingen wordt inloggen" in texts[2]
    assert "Let op: na nog 1 onjuiste poging wordt inloggen" in texts[3]


@pytest.mark.django_db
def test_logout_by_address_asks_first_and_says_goodbye(decaan_client):
    page = decaan_client.get(reverse("accounts:logout"))
    assert page.status_code == 200 and "wilt u uitloggen" in page.content.decode()
    assert decaan_client.get(reverse("notifications:meldingen")).status_code == 200  # still logged in
    goodbye = decaan_client.post(reverse("accounts:logout"), follow=True)
    assert "U bent uitgelogd." in goodbye.content.decode()


@pytest.mark.django_db
def test_a_bsn_typed_as_login_name_reaches_no_log_line(client, demo, caplog):
    import logging

    from tests.conftest import bsn_like_numbers

    caplog.set_level(logging.INFO)
    for _ in range(6):
        client.post(reverse("accounts:login"), {"username": "111222333", "password": "iets-anders-1"})
    assert any("Locking out" in r.getMessage() for r in caplog.records)  # axes did write its lines
    assert not bsn_like_numbers("\n".join(r.getMessage() for r in caplog.records))


@pytest.mark.django_db
def test_a_bsn_typed_as_login_name_is_not_stored_by_the_lockout_but_still_locks_that_name(client, demo, demo_pw):
    from axes.models import AccessFailureLog, AccessLog

    from audit.models import Action, AuditEntry
    from tests.conftest import bsn_like_numbers

    for _ in range(4):
        assert WRONG in post_login(client, "1112 22 333", "fout-wachtwoord-1").content.decode()
    assert post_login(client, "1112 22 333", "fout-wachtwoord-1").status_code == 429  # the fifth locks this name
    assert post_login(client, "111.222.333 ", "fout-wachtwoord-1").status_code == 200  # another typed name is not
    assert post_login(client, "decaan.vo1", demo_pw).status_code == 302  # nor a real one from the same address
    client.logout()
    assert WRONG in post_login(client, "jan111222333", "fout-wachtwoord-1").content.decode()  # a BSN inside a name
    stored = [a.username for a in AccessAttempt.objects.all()]
    stored += [a.username for a in AccessFailureLog.objects.all()] + [a.username for a in AccessLog.objects.all()]
    assert len({name for name in stored if name.startswith("bsn?")}) == 3
    assert not any("111222333" in name.replace(" ", "").replace(".", "") or bsn_like_numbers(name) for name in stored)
    requests = [a.get_data + a.post_data for a in AccessAttempt.objects.all()]  # axes masks the login name there
    assert requests and not any(bsn_like_numbers(text) for text in requests)
    failed = AuditEntry.objects.filter(action=Action.LOGIN_FAILED).values_list("actor_name", flat=True)
    assert failed and not any("111222333" in name.replace(" ", "").replace(".", "") for name in failed)


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2id_and_an_older_hash_is_rewritten_at_login(client, demo, demo_pw, settings):
    """The production hashers (voroc/settings.py): Argon2id with 64 MiB, 2 passes, 1 lane; a PBKDF2 hash made before
    it still logs in, and that login stores the password as Argon2id."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher

    from voroc import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = demo["decaan.vo1"]
    user.password = PBKDF2PasswordHasher().encode(demo_pw, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert post_login(client, "decaan.vo1", demo_pw).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=65536,t=2,p=1$")
    assert identify_hasher(user.password).algorithm == "argon2" and user.check_password(demo_pw)
    client.post(reverse("accounts:logout"))
    assert post_login(client, "decaan.vo1", demo_pw).status_code == 302  # and logs in with it
    assert post_login(Client(), "decaan.vo1", "fout-wachtwoord1").status_code == 200
