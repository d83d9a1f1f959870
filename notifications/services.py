"""Writes on meldingen: one function creates a melding, whoever needs one (feeds, deadlines, the gemeente)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from accounts.models import Organisation, User
from students.models import Pupil

from .models import Melding, MeldingRead


def notify(
    *,
    organisation: Organisation,
    kind: str,
    text: str,
    pupil: Pupil | None = None,
    user: User | None = None,
    link: str = "",
    dedupe_key: str | None = None,
) -> Melding | None:
    """Create a melding; with ``dedupe_key`` at most once (a second call returns None and changes nothing)."""
    melding = Melding(
        organisation=organisation, kind=kind, text=text, pupil=pupil, user=user, link=link, dedupe_key=dedupe_key
    )
    melding.full_clean(validate_unique=False)
    if dedupe_key and Melding.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            melding.save()
    except IntegrityError:
        if dedupe_key:  # a parallel run made it first
            return None
        raise
    return melding


def mark_read(*, user: User, meldingen: Iterable[Melding]) -> int:
    """Mark meldingen as read by ``user``; returns how many were unread."""
    ids = {m.pk for m in meldingen}
    already = set(MeldingRead.objects.filter(user=user, melding_id__in=ids).values_list("melding_id", flat=True))
    MeldingRead.objects.bulk_create(
        [MeldingRead(user=user, melding_id=pk) for pk in ids - already], ignore_conflicts=True
    )
    return len(ids - already)
