"""The servicedesk's admin in Dutch: the login protection's pages (django-axes, django-otp) have Dutch names,
columns, filters and actions; "Inlogblokkade opheffen" on a user who was not blocked says so."""

import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse

from tests.conftest import login_as

pytestmark = pytest.mark.django_db
ENGLISH = ["Access attempt", "Access log", "Access failure", "Attempt Time", "IP Address", "User Agent", "Otp_Totp",
           "TOTP device", "Clean up", "Created at", "Last used", "Locked Out", "Failed Logins", "Axes"]  # fmt: skip


def text(response) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_login_protection_pages_are_dutch(client, demo):
    login_as(client, demo["servicedesk"])
    AccessAttempt.objects.create(
        username="iemand", user_agent="x", ip_address="10.0.0.1", path_info="/", get_data="", post_data="",
        failures_since_start=2, http_accept="*/*",
    )  # fmt: skip
    AccessLog.objects.create(username="iemand", user_agent="x", ip_address="10.0.0.1", path_info="/", http_accept="")
    pages = {
        "index": reverse("admin:index"),
        "attempts": reverse("admin:axes_accessattempt_changelist"),
        "log": reverse("admin:axes_accesslog_changelist"),
        "failures": reverse("admin:axes_accessfailurelog_changelist"),
        "devices": reverse("admin:otp_totp_totpdevice_changelist"),
        "device": reverse("admin:otp_totp_totpdevice_change", args=[demo["servicedesk"].totpdevice_set.first().pk]),
    }
    for name, url in pages.items():
        shown = text(client.get(url))
        assert [word for word in ENGLISH if word in shown] == [], name
    attempts = text(client.get(pages["attempts"]))
    assert "Tijdstip IP-adres Browser Loginnaam" in attempts and "nog 3 pogingen" in attempts
    assert "Inlogbeveiliging" in text(client.get(pages["index"]))


def test_lifting_a_block_of_a_user_who_was_not_blocked_says_so(client, demo):
    login_as(client, demo["servicedesk"])
    user = demo["decaan.vo1"]
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [user.pk], "index": 0},
        follow=True,
    )
    shown = text(response).lower()  # the admin starts a message with a capital
    assert f"{user.username} was niet geblokkeerd" in shown and "is opgeheven" not in shown


def test_times_are_shown_in_dutch_local_time(client, demo):
    """An attempt at 10:00 UTC on 7 December is 11:00 in the Netherlands (and at 10:00 UTC on 1 July, 12:00)."""
    import datetime

    login_as(client, demo["servicedesk"])
    for when in (
        datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC),
    ):
        attempt = AccessAttempt.objects.create(
            username=f"iemand{when.month}", user_agent="x", ip_address="10.0.0.1", path_info="/", get_data="",
            post_data="", failures_since_start=1, http_accept="*/*",
        )  # fmt: skip
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=when)
    shown = text(client.get(reverse("admin:axes_accessattempt_changelist")))
    assert "7 december 2026 11:00" in shown and "1 juli 2026 12:00" in shown, shown[:2000]
    assert "10:00" not in shown
