"""Retention of what accounts keeps about people: ended sessions and login attempts."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.utils.translation import gettext_lazy as _

from .retention import Category, register


def _attempts(cutoff):
    return [
        AccessAttempt.objects.filter(attempt_time__lt=cutoff),
        AccessLog.objects.filter(attempt_time__lt=cutoff),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
    ]


register(
    Category(
        key="login_attempts",
        label=str(_("inlogpogingen (loginnaam en adres)")),
        default_days=90,
        counts_from=str(_("de poging")),
        expired=lambda cutoff: sum(q.count() for q in _attempts(cutoff)),
        purge=lambda cutoff: sum(q.delete()[0] for q in _attempts(cutoff)),
    )
)
register(
    Category.of_records(
        key="sessions",
        label=str(_("verlopen sessies")),
        default_days=0,
        counts_from=str(_("het verlopen van de sessie")),
        records=lambda cutoff: Session.objects.filter(expire_date__lt=cutoff),
    )
)
