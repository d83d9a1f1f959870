"""Checking a code of the authenticator app, with the real reason when it is refused.

django-otp keeps the count and time of successive wrong codes on the device; its own waiting time (1, 2, 4 …
seconds from the first wrong code) is switched off (OTP_TOTP_THROTTLE_FACTOR = 0) because one typing error
followed at once by the right code then said "too many wrong codes". Here the first FREE_TRIES wrong codes cost
nothing; after that each try waits 1, 2, 4 … seconds (at most MAX_WAIT), and the message says how long.
A code that was right but was used already (a TOTP code works once) says so, instead of "this code is wrong".
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

FREE_TRIES = 3
MAX_WAIT = 60  # seconds


@dataclass(frozen=True)
class Verdict:
    device: TOTPDevice | None  # the device the code was right for
    error: str = ""


def wait_seconds(device: TOTPDevice, now: datetime.datetime | None = None) -> int:
    """How many seconds the device still waits before it accepts a try (0: now)."""
    failures = device.throttling_failure_count
    if failures < FREE_TRIES or device.throttling_failure_timestamp is None:
        return 0
    required = min(2 ** (failures - FREE_TRIES), MAX_WAIT)
    waited = ((now or timezone.now()) - device.throttling_failure_timestamp).total_seconds()
    return max(0, int(required - waited + 0.999))


def _used_already(device: TOTPDevice, code: str) -> bool:
    """The code is one the app showed in this or the previous window, but that window was used already."""
    if not code.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return bool(totp.verify(int(code), device.tolerance, 0)) and totp.t() <= device.last_t + device.tolerance


def check_code(devices: Sequence[TOTPDevice], code: str) -> Verdict:
    waits = [wait_seconds(device) for device in devices]
    if devices and all(waits):
        seconds = min(waits)
        return Verdict(
            None,
            ngettext(
                "Te veel onjuiste codes achter elkaar. Wacht nog %(n)d seconde en vul dan de nieuwste code uit uw "
                "app in.",
                "Te veel onjuiste codes achter elkaar. Wacht nog %(n)d seconden en vul dan de nieuwste code uit uw "
                "app in.",
                seconds,
            )
            % {"n": seconds},
        )
    for device in devices:
        if device.verify_token(code):
            return Verdict(device)
    if any(_used_already(device, code) for device in devices):
        return Verdict(
            None,
            _(
                "Deze code is al gebruikt: elke code werkt één keer. Wacht tot uw app een nieuwe code toont "
                "(elke 30 seconden) en vul die in."
            ),
        )
    return Verdict(
        None,
        _(
            "Deze code klopt niet. Vul de nieuwste code uit uw app in en controleer of de tijd op uw telefoon juist staat."
        ),
    )
