"""A reminder to whoever holds a pupil's doorstroomdossier too long (standing.py: longer than
``VOROC_DOSSIER_REMINDER_DAYS`` days since it came to them), and again at most once per such period:

* the mentor (at the mentor for part B, since the pupil sent it): a Melding for a mentor with an account (for them
  alone, about the pupil, with a link), and a mail to the address the pupil sent it to;
* the pupil, for the akkoordverklaring (since the mentor returned it, or since part A was done for a dossier without
  a mentor's part): a mail saying exactly what to do next;
* the pupil, in part A without a save: a mail naming the pages that are not complete yet. Only their newest
  dossier: one they left for a newer one (another opleiding, copied) is not asked about.

Run every morning by Celery beat (tasks.remind_holders). Idempotent: a dossier is claimed (``reminded_at``, with a
conditional update) before anything is sent, so a second run, or two at the same time, sends nothing twice. The
claim leaves ``updated_at`` — the pupil's last save — as it was.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.mail import send_templated_mail
from audit.context import acting_as
from audit.models import Action
from audit.services import record_event
from notifications.models import MeldingKind
from notifications.services import notify

from .filling import progress_of
from .models import MENTOR_LINK_VALID, Dossier, DossierState
from .navigation import pages_of
from .standing import held_since, limit_days

SCREEN = "dossier:herinneren"
SINCE = {
    DossierState.DEEL_A: "updated_at",
    DossierState.BIJ_MENTOR: "sent_to_mentor_at",
    DossierState.AKKOORD: "akkoord_since",
}


def _url(path: str) -> str:
    return settings.VOROC_BASE_URL.rstrip("/") + path


def due(now: datetime.datetime, days: int) -> QuerySet[Dossier]:
    """The dossiers held longer than ``days`` days whose holder had no reminder in the last ``days`` days (a reminder
    to an earlier holder came before the dossier came to this one, so before that too)."""
    cutoff = now - datetime.timedelta(days=days)
    held_too_long = Q()
    for state, since in SINCE.items():
        held_too_long |= Q(state=state, **{f"{since}__lt": cutoff})
    not_reminded = Q(reminded_at__isnull=True) | Q(reminded_at__lt=cutoff)
    newer = Dossier.objects.filter(account=OuterRef("account"), created_at__gt=OuterRef("created_at"))
    return (
        Dossier.objects.filter(held_too_long, not_reminded, account__user__is_active=True)
        .exclude(Q(state=DossierState.DEEL_A) & Exists(newer))
        .select_related("declaration", "account__user", "account__pupil__school", "mentor__organisation")
        .order_by("pk")
    )


def remind_all(now: datetime.datetime | None = None) -> int:
    """Remind every holder who is due; returns how many dossiers' holders were reminded (0 when run again)."""
    now = now or timezone.now()
    days = limit_days()
    reminded = 0
    with override("nl"), acting_as("herinnering doorstroomdossier", screen=SCREEN):
        for dossier in due(now, days):
            reminded += remind(dossier, now=now, days=days)
    return reminded


@transaction.atomic
def remind(dossier: Dossier, *, now: datetime.datetime, days: int) -> bool:
    """Claim the dossier for this reminder, then remind its holder (the mail leaves after the commit)."""
    claimed = Dossier.objects.filter(pk=dossier.pk, state=dossier.state, reminded_at=dossier.reminded_at).update(
        reminded_at=now
    )
    if not claimed:
        return False  # another run reminded it meanwhile, or it moved on
    since = held_since(dossier) or now
    held = (now - since).days
    if dossier.state == DossierState.BIJ_MENTOR:
        who = _remind_mentor(dossier, since=since, held=held)
    else:
        who = _remind_pupil(dossier, since=since, held=held)
    record_event(
        Action.CHANGE,
        summary=f"doorstroomdossier {dossier.pk}: herinnering gestuurd aan {who} (na {held} dagen, grens {days})",
        pupil=dossier.account.pupil,
    )
    return True


def _mentor_page(dossier: Dossier) -> str:
    """Where a mentor with an account fills in part B (dossier/views/mentor.py)."""
    return reverse("mentordeel:invullen", args=[dossier.pk])


def _remind_mentor(dossier: Dossier, *, since: datetime.datetime, held: int) -> str:
    pupil_name = dossier.account.user.full_name
    mentor = dossier.mentor if dossier.mentor is not None and dossier.mentor.is_active else None
    link = _mentor_page(dossier) if mentor is not None else ""
    if mentor is not None:
        notify(
            organisation=mentor.organisation,
            user=mentor,
            kind=MeldingKind.LEERLING,
            text=_(
                "Herinnering: het doorstroomdossier van %(name)s wacht al %(days)d dagen op uw mentordeel. "
                "Vul het in en stuur het terug naar de leerling."
            )
            % {"name": pupil_name, "days": held},
            pupil=dossier.account.pupil,
            link=link,
        )
    if dossier.mentor_email:
        send_templated_mail(
            to=[dossier.mentor_email],
            subject=_("VOROC: herinnering – het doorstroomdossier van %(name)s wacht op u") % {"name": pupil_name},
            template="dossier/mail/remind_mentor",
            context={
                "dossier": dossier,
                "pupil_name": pupil_name,
                "mentor_name": dossier.mentor_name,
                "since": timezone.localtime(since),
                "days": held,
                "url": _url(link) if mentor is not None else "",
                "link_days": MENTOR_LINK_VALID.days,
            },
            about_pupil_id=dossier.account.pupil_id,
        )
    return _("de mentor %(name)s") % {"name": dossier.mentor_name or dossier.mentor_email}


def _remind_pupil(dossier: Dossier, *, since: datetime.datetime, held: int) -> str:
    user = dossier.account.user
    context = {
        "user": user,
        "dossier": dossier,
        "since": timezone.localtime(since),
        "days": held,
        "url": _url(reverse("accounts:login")),
        "has_mentor": dossier.spec.has_mentor,
    }
    if dossier.state == DossierState.AKKOORD:
        subject = _("VOROC: vergeet je akkoordverklaring niet")
        template = "dossier/mail/remind_akkoord"
    else:
        subject = _("VOROC: maak je doorstroomdossier af")
        template = "dossier/mail/remind_part_a"
        pages = pages_of(dossier.spec, progress_of(dossier), dossier.invalid, current="")
        context["pages"] = [p for p in pages if p.shown and (p.percent < 100 or p.has_invalid)]
    if user.email:
        send_templated_mail(
            to=[user.email],
            subject=subject,
            template=template,
            context=context,
            about_pupil_id=dossier.account.pupil_id,
        )
    return _("de leerling")
