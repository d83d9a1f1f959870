import time

import pytest
from django.urls import reverse

from accounts.middleware import LAST_SEEN, LOGIN_AT

HOME = reverse("notifications:meldingen")


def shift_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"login": LOGIN_AT, "seen": LAST_SEEN}[key]] = now - ago
    session.save()


@pytest.mark.django_db
def test_idle_for_30_minutes_ends_the_session(client, demo, demo_pw):
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    shift_session(client, seen=29 * 60)
    assert client.get(HOME).status_code == 200
    shift_session(client, seen=31 * 60)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert client.get(HOME).status_code == 302


@pytest.mark.django_db
def test_an_expired_session_sends_a_pop_up_request_to_the_login_page(client, demo, demo_pw):
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    shift_session(client, seen=31 * 60)
    response = client.get(reverse("accounts:profile"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login") + "?next=%2Fprofiel%2F"


@pytest.mark.django_db
def test_twelve_hours_after_login_the_session_ends_even_when_active(client, demo, demo_pw):
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    shift_session(client, login=12 * 3600 + 60, seen=10)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_login_renews_the_session_key(client, demo, demo_pw):
    client.get(reverse("accounts:login"))
    session = client.session
    session["voor"] = "inloggen"
    session.save()
    before = session.session_key
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    assert client.session.session_key != before


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_pupil_pages_are_not_cached(client, demo):
    from django.urls import reverse

    anonymous = client.get(reverse("accounts:login"))
    policy = anonymous["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    client.force_login(demo["decaan.vo1"])
    for name in ("notifications:meldingen", "students:overzicht", "accounts:profile"):
        assert client.get(reverse(name))["Cache-Control"] == "no-store, private", name
