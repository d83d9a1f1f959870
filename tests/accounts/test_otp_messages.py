"""The second factor says the real reason a code is refused: one typing error followed by the right code logs in;
a code used twice says it was used; only repeated wrong codes make the user wait, and the message says how long.
On the set-up page the error stands at the top, above the QR code."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
VERIFY = reverse("accounts:otp_verify")


def code_at(device: TOTPDevice, when: datetime.datetime) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = when.timestamp()
    return f"{totp.token():06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def logged_in(client, demo, demo_pw):
    """servicedesk past its password, with a confirmed authenticator; returns (device, a moment in time)."""
    device = TOTPDevice.objects.create(user=demo["servicedesk"], name="app", confirmed=True)
    start = datetime.datetime(2026, 12, 7, 10, 0, 5, tzinfo=AMS)
    with time_machine.travel(start, tick=False):
        client.post(reverse("accounts:login"), {"username": "servicedesk", "password": demo_pw})
    return device, start


def post(client, code: str, when: datetime.datetime):
    with time_machine.travel(when, tick=False):
        return client.post(VERIFY, {"code": code})


def test_a_typing_error_followed_at_once_by_the_right_code_logs_in(client, logged_in):
    device, start = logged_in
    code = code_at(device, start)
    assert "Deze code klopt niet" in post(client, wrong(code), start).content.decode()
    response = post(client, code, start + datetime.timedelta(milliseconds=300))
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_code_used_twice_says_it_was_used(client, logged_in, demo_pw):
    device, start = logged_in
    code = code_at(device, start)
    assert post(client, code, start).status_code == 302
    client.logout()
    with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):  # a second login, same code
        client.post(reverse("accounts:login"), {"username": "servicedesk", "password": demo_pw})
    html = post(client, code, start + datetime.timedelta(seconds=10)).content.decode()
    assert "Deze code is al gebruikt" in html and "klopt niet" not in html


def test_repeated_wrong_codes_wait_and_say_how_long(client, logged_in):
    device, start = logged_in
    code = code_at(device, start)
    for n in range(3):  # three typing errors cost nothing
        html = post(client, wrong(code), start + datetime.timedelta(seconds=n)).content.decode()
        assert "Deze code klopt niet" in html
    html = post(client, code, start + datetime.timedelta(seconds=2, milliseconds=200)).content.decode()
    assert "Wacht nog 1 seconde" in html
    assert post(client, code, start + datetime.timedelta(seconds=4)).status_code == 302


def test_the_setup_page_shows_the_error_above_the_qr_code(client, demo, demo_pw):
    client.post(reverse("accounts:login"), {"username": "servicedesk", "password": demo_pw})
    html = client.post(reverse("accounts:otp_setup"), {"code": "000000"}).content.decode()
    assert 'data-testid="otp-error"' in html
    assert html.index('data-testid="otp-error"') < html.index("voroc-qr")
