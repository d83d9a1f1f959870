"""Which meldingen a user sees: of their organisation, for everyone or for them, and about a pupil only
when that pupil is in their scope (students.selectors.pupils_visible_to, the one access rule)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from students.models import Pupil
from students.search import search_pupils
from students.selectors import pupils_visible_to

from .models import Melding, MeldingRead, OutgoingMail

VISIBLE_DAYS = 30


def meldingen_visible_to(user: User) -> QuerySet[Melding]:
    if user.is_leerling:  # a pupil sees nothing of the school's meldingen
        return Melding.objects.none()
    return (
        Melding.objects.filter(organisation_id=user.organisation_id)
        .filter(Q(user__isnull=True) | Q(user=user))
        .filter(Q(pupil__isnull=True) | Q(pupil__in=pupils_visible_to(user)))
        .annotate(is_read=Exists(MeldingRead.objects.filter(melding=OuterRef("pk"), user=user)))
        .select_related("pupil")
    )


def recent(meldingen: QuerySet[Melding]) -> QuerySet[Melding]:
    return meldingen.filter(created_at__gte=timezone.now() - datetime.timedelta(days=VISIBLE_DAYS))


def search(meldingen: QuerySet[Melding], text: str) -> QuerySet[Melding]:
    """On the pupil's name, or on a whole BSN through its keyed index (the BSN itself is never stored here)."""
    return search_pupils(meldingen, text, prefix="pupil__")


def pupils_mailed(mails: Iterable[OutgoingMail]) -> set[Pupil]:
    """The pupils whose e-mail address an outgoing mail was sent to (the form mailed to the pupil), for the audit
    log of a screen that shows the addresses; one query for a whole page."""
    addresses = {a.strip().lower() for mail in mails for a in mail.to.split(",") if a.strip()}
    if not addresses:
        return set()
    return set(Pupil.objects.annotate(address=Lower("email")).filter(address__in=addresses).only("pk", "school_id"))
