import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User

RESET = reverse("accounts:password_reset")


def without_csrf(content: bytes) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", content.decode())


def reset_link(message) -> str:
    match = re.search(r"http://[^\s]+/wachtwoord-herstellen/[^\s]+/", message.body)
    assert match, message.body
    return match.group(0).replace("http://127.0.0.1:8000", "")


@pytest.mark.django_db
def test_reset_page_answers_the_same_whether_or_not_the_name_exists(
    client, demo, django_capture_on_commit_callbacks, eager
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(RESET, {"username": "decaan.vo1"}, follow=True)
        unknown = client.post(RESET, {"username": "niemand.hier"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("accounts:password_reset_sent"), 302)]
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["decaan.vo1@demo.voroc.nl"]
    assert "decaan.vo1" in message.body and message.alternatives  # plain text and HTML


@pytest.mark.django_db
def test_the_reset_request_does_the_same_work_for_a_known_and_an_unknown_name(
    client, demo, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The look-up and the mail happen in a task after the response: the request itself is the same for every name
    (the same queries, one task queued), so its time says nothing about whether the name exists."""
    client.get(RESET)
    counts = []
    for username in ("decaan.vo1", "niemand.hier"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            with django_assert_num_queries(0, exact=False) as queries:
                client.post(RESET, {"username": username})
        counts.append((len(queries.captured_queries), len(callbacks)))
    assert counts[0] == counts[1] and counts[0][1] == 1
    assert len(mail.outbox) == 0  # nothing was looked up or sent in the request


@pytest.mark.django_db
def test_reset_link_works_once(client, demo, django_capture_on_commit_callbacks, eager):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"username": "decaan.vo1"})
    link = reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Nieuw-wachtwoord-77", "new_password2": "Nieuw-wachtwoord-77"})
    assert done.status_code == 302 and done.url == reverse("accounts:login")
    assert User.objects.get(username="decaan.vo1").check_password("Nieuw-wachtwoord-77")
    # The same link a second time: refused.
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert "al gebruikt of verlopen" in again.content.decode()


@pytest.mark.django_db
def test_reset_link_expires(client, demo, monkeypatch, settings, django_capture_on_commit_callbacks, eager):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"username": "decaan.vo1"})
    link = reset_link(mail.outbox[0])
    issued = default_token_generator._now()
    later = issued + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert client.get(link, follow=True).context["validlink"] is False


CHANGE = reverse("accounts:change_password")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new1", "new2", "message"),
    [
        ("kort1", "kort1", "minimaal 8 tekens"),
        ("alleenletters", "alleenletters", "zowel letters als cijfers"),
        ("1234567890", "1234567890", "zowel letters als cijfers"),
        ("password1", "password1", "te algemeen"),
        ("Goed-wachtwoord-1", "Ander-wachtwoord-2", "niet gelijk"),
    ],
)
def test_password_rules(decaan_client, demo_pw, new1, new2, message):
    response = decaan_client.post(CHANGE, {"old_password": demo_pw, "new_password1": new1, "new_password2": new2})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(username="decaan.vo1").check_password(demo_pw)


@pytest.mark.django_db
def test_wrong_current_password_is_refused(decaan_client):
    response = decaan_client.post(
        CHANGE,
        {
            "old_password": "niet-het-goede-1",
            "new_password1": "Nieuw-wachtwoord-77",
            "new_password2": "Nieuw-wachtwoord-77",
        },
    )
    assert "Het huidige wachtwoord is onjuist." in response.content.decode()


@pytest.mark.django_db
def test_change_password_mails_and_ends_other_sessions(client, demo, demo_pw, django_capture_on_commit_callbacks):
    other_device = Client()
    other_device.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    assert other_device.get(reverse("notifications:meldingen")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGE,
            {"old_password": demo_pw, "new_password1": "Nieuw-wachtwoord-77", "new_password2": "Nieuw-wachtwoord-77"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 204
    assert "voroc:closeModal" in response["HX-Trigger"]
    # This session stays, the other one has ended.
    assert client.get(reverse("notifications:meldingen")).status_code == 200
    assert other_device.get(reverse("notifications:meldingen")).status_code == 302
    assert [m.subject for m in mail.outbox] == ["VOROC: uw wachtwoord is gewijzigd"]
    assert mail.outbox[0].to == ["decaan.vo1@demo.voroc.nl"]


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["welkom123", "Wachtwoord2026!", "voroc-2026-x", "Mohamed2026", "Amrani1234"])
def test_guessable_passwords_are_refused_under_the_field_typed_in(decaan_client, demo_pw, weak):
    response = decaan_client.post(CHANGE, {"old_password": demo_pw, "new_password1": weak, "new_password2": weak})
    form = response.context["form"]
    assert form.errors.get("new_password1"), form.errors
    assert "new_password2" not in form.errors
    assert User.objects.get(username="decaan.vo1").check_password(demo_pw)


@pytest.mark.django_db
def test_password_changed_mail_names_the_login_name(decaan_client, demo_pw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decaan_client.post(
            CHANGE,
            {"old_password": demo_pw, "new_password1": "Zonnebloem-Kade-77", "new_password2": "Zonnebloem-Kade-77"},
        )
    (message,) = mail.outbox
    assert "VOROC-account (decaan.vo1)" in message.body
    assert "VOROC-account (decaan.vo1)" in message.alternatives[0][0]


@pytest.mark.django_db
def test_a_reset_password_lifts_the_lockout(client, demo, demo_pw, django_capture_on_commit_callbacks, eager):
    login = reverse("accounts:login")
    for _ in range(5):
        client.post(login, {"username": "zorg.vo1", "password": "fout-wachtwoord1"})
    assert client.post(login, {"username": "zorg.vo1", "password": demo_pw}).status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"username": "zorg.vo1"})
    form_page = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Zonnebloem-Kade-77", "new_password2": "Zonnebloem-Kade-77"}
    )
    response = client.post(login, {"username": "zorg.vo1", "password": "Zonnebloem-Kade-77"})
    assert response.status_code == 302 and response.url == reverse("notifications:meldingen")


@pytest.mark.django_db
def test_reset_mails_are_held_back_for_five_minutes_per_account(
    client, demo, django_capture_on_commit_callbacks, eager
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post(RESET, {"username": "decaan.vo1"})
        client.post(RESET, {"username": "mentor.vo1"})
    assert sorted(m.to[0] for m in mail.outbox) == ["decaan.vo1@demo.voroc.nl", "mentor.vo1@demo.voroc.nl"]
