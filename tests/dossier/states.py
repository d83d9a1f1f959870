"""Dossiers in a given stand, as the mentor's flow and the akkoordverklaring leave them (set directly: these tests
are about what the school sees and who is reminded, not about the flow itself)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dossier.filling import start_dossier
from dossier.models import Dossier, DossierState
from tests.dossier.helpers import pupil_account


def dossier_in(
    state: str,
    *,
    pupil=None,
    account=None,
    days: float = 0,
    mentor=None,
    mentor_name: str = "",
    mentor_email: str = "",
    percent: int = 40,
    mbo_school=None,
    reminded_days: float | None = None,
) -> Dossier:
    """A VO-MBO dossier of ``pupil`` (or ``account``) in ``state`` since ``days`` days: for part A the last save,
    at the mentor since it was sent, for the akkoord since it came back, sent since then."""
    account = account or pupil_account(pupil)
    dossier = start_dossier(account=account, kind="vo-mbo")
    since = timezone.now() - datetime.timedelta(days=days)
    fields: dict = {"state": state, "percent": percent}
    if state != DossierState.DEEL_A:
        fields.update(percent=100, sent_to_mentor_at=since, choice_text="Kok, niveau 2")
    if state == DossierState.BIJ_MENTOR:
        fields.update(
            mentor=mentor,
            mentor_name=mentor_name or (mentor.full_name if mentor else "Mevrouw Coach"),
            mentor_email=mentor_email or (mentor.email if mentor else "coach@example.com"),
        )
    if state in (DossierState.AKKOORD, DossierState.VERSTUURD):
        fields.update(returned_at=since, akkoord_since=since, mentor_name="Sanne de Vries")
    if state == DossierState.VERSTUURD:
        fields.update(sent_at=since, mbo_school=mbo_school)
    if reminded_days is not None:
        fields["reminded_at"] = timezone.now() - datetime.timedelta(days=reminded_days)
    fields["updated_at"] = since  # update() leaves auto_now alone: the last save as the test says
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    dossier.refresh_from_db()
    return dossier
