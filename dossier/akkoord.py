"""The akkoordverklaring (seed, steps 19–21): the pupil agrees, and only then does the dossier go to the mbo-school of
their choice. Keyword-only, validated, atomic, audited.

* ``give_akkoord``: from "wacht op de akkoordverklaring" with a confirmed choice; the statements all agreed to, and
  for a pupil under 16 on the day the parent or guardian who agreed (the OSO rules ask a parent's consent below 16).
  Writes the Consent with the snapshot of what is sent (dossier/snapshot.py) and its checksum; the dossier is
  "verstuurd"; the pupil gets a mail (an intake invitation follows), the mbo-school a Melding.
* ``withdraw``: the pupil takes the consent back while the mbo-school has not opened the dossier. The consent stays
  as a record (when, why); the mbo-school no longer sees the dossier and its Melding goes; the dossier waits for the
  akkoordverklaring again.
* ``open_consent``: the mbo-school opens the dossier; the first time is kept (after that it can no longer be
  withdrawn in VOROC).

A consent row is written once; only ``opened_at`` and the withdrawal are set later, each with ``update_fields``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.mail import send_templated_mail
from audit.models import Action
from audit.services import record_event
from notifications.models import Melding, MeldingKind
from notifications.services import notify
from students.models import Aanmelding, Pupil

from . import snapshot
from .models import Consent, Dossier, DossierState
from .selectors import locked_dossier

# Below this age on the day of the akkoord a parent or guardian agrees too.
PARENT_CONSENT_AGE = 16
PARENT_RELATIONS = (
    ("moeder", gettext_lazy("moeder")),
    ("vader", gettext_lazy("vader")),
    ("voogd", gettext_lazy("voogd")),
    ("verzorger", gettext_lazy("verzorger")),
)


def birth_date(dossier: Dossier) -> datetime.date | None:
    """The date of birth the pupil gave in the dossier, else the one the school has."""
    given = dossier.answers.get("geboortedatum")
    if isinstance(given, str):
        try:
            return datetime.date.fromisoformat(given)
        except ValueError:
            pass
    pupil = dossier.account.pupil
    return pupil.geboortedatum if pupil is not None else None


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def needs_parent(dossier: Dossier, day: datetime.date | None = None) -> bool:
    """Under 16 on the day (a date of birth nobody knows counts as under 16: the parent is asked rather than not)."""
    born = birth_date(dossier)
    return born is None or age_on(born, day or timezone.localdate()) < PARENT_CONSENT_AGE


def statements_for(dossier: Dossier, *, parent: bool) -> list[str]:
    """The statements the pupil agrees to, as shown on the akkoord page (and kept with the consent)."""
    school = dossier.mbo_school.name if dossier.mbo_school is not None else _("de mbo-school")
    texts = [_("Ik heb mijn hele dossier nagelezen. Wat ik heb ingevuld, klopt.")]
    if dossier.spec.has_mentor:
        texts.append(_("Ik heb gelezen wat mijn mentor over mij heeft ingevuld (deel B)."))
    texts.append(
        _("Ik geef toestemming om mijn doorstroomdossier te sturen naar %(school)s, voor de opleiding die ik koos.")
        % {"school": school}
    )
    texts.append(
        _("Ik weet dat ik mijn toestemming kan intrekken zolang %(school)s mijn dossier nog niet heeft geopend.")
        % {"school": school}
    )
    if parent:
        texts.append(_("Mijn ouder of verzorger weet dit en is het ermee eens."))
    return texts


def _check(dossier: Dossier) -> None:
    if dossier.state != DossierState.AKKOORD:
        raise ValidationError(
            _("Dit dossier is %(state)s: je kunt nu geen akkoord geven.") % {"state": dossier.get_state_display()}
        )
    if not dossier.choice_confirmed or dossier.mbo_school is None or dossier.opleiding is None:
        raise ValidationError(_("Kies en bevestig eerst je school en opleiding (de vervolgkeuze)."))


def _pupil_the_mbo_sees(dossier: Dossier) -> Pupil | None:
    """The pupil record to name in the mbo-school's Melding: only a pupil the mbo-school has in view (an aanmelding
    there, students.selectors); otherwise its Meldingen would hide it, so the Melding names the pupil in words only."""
    pupil = dossier.account.pupil
    if pupil is None or dossier.mbo_school is None:
        return None
    applied = Aanmelding.objects.filter(pupil=pupil, mbo_school=dossier.mbo_school).exists()
    return pupil if applied else None


def _melding_key(consent: Consent) -> str:
    return f"dossier:consent:{consent.pk}"


@transaction.atomic
def give_akkoord(
    *, dossier: Dossier, statements: list[str], parent_name: str = "", parent_relation: str = ""
) -> Consent:
    fresh = locked_dossier(dossier.pk)
    _check(fresh)
    parent = needs_parent(fresh)
    errors: dict[str, str] = {}
    if sorted(statements) != sorted(statements_for(fresh, parent=parent)):
        errors["statements"] = _("Vink alle zinnen aan. Pas dan kan je dossier naar de mbo-school.")
    parent_name, parent_relation = parent_name.strip(), parent_relation.strip()
    if parent:
        if not parent_name:
            errors["parent_name"] = _(
                "Je bent jonger dan 16. Vul de naam in van je ouder of verzorger die het eens is met het versturen "
                "van je dossier."
            )
        if parent_relation not in dict(PARENT_RELATIONS):
            errors["parent_relation"] = _("Kies wie dit is: je moeder, vader, voogd of verzorger.")
    else:
        parent_name = parent_relation = ""
    if errors:
        raise ValidationError(errors)
    user = fresh.account.user
    now = timezone.now()
    sent = snapshot.build(fresh, at=now)
    sent["akkoord"] = {
        "by": user.full_name,
        "statements": statements_for(fresh, parent=parent),
        "parent_name": parent_name,
        "parent_relation": str(dict(PARENT_RELATIONS).get(parent_relation, "")),
    }
    consent = Consent(
        dossier=fresh,
        declaration=fresh.declaration,
        mbo_school=fresh.mbo_school,
        choice_text=fresh.choice_text,
        given_by=user,
        given_by_name=user.full_name,
        parent_name=parent_name,
        parent_relation=parent_relation,
        statements=sent["akkoord"]["statements"],
        snapshot=sent,
        snapshot_checksum=snapshot.seal(sent),
    )
    consent.full_clean()
    consent.save()
    fresh.state = DossierState.VERSTUURD
    fresh.sent_at = now
    fresh.save(update_fields=["state", "sent_at", "updated_at"])
    record_event(
        Action.SENT,
        user=user,
        summary=(
            f"doorstroomdossier {fresh.pk}: akkoordverklaring {consent.pk} gegeven"
            f"{' met een ouder of verzorger' if parent else ''}, verstuurd naar {consent.mbo_school.name} "
            f"({fresh.declaration.kind} versie {fresh.declaration.version})"
        ),
        pupil=fresh.account.pupil,
    )
    _mail_the_pupil(consent, fresh)
    _tell_the_mbo(consent, fresh)
    return consent


def _mail_the_pupil(consent: Consent, dossier: Dossier) -> None:
    user = dossier.account.user
    if not user.email:
        return
    send_templated_mail(
        to=[user.email],
        subject=_("VOROC: je doorstroomdossier is verstuurd naar %(school)s") % {"school": consent.mbo_school.name},
        template="dossier/mail/akkoord_sent",
        context={
            "user": user,
            "consent": consent,
            "school": consent.mbo_school.name,
            "url": _base_url() + reverse("leerling:wat_verstuurd", args=[dossier.pk]),
        },
        about_pupil_id=dossier.account.pupil_id,
    )


def _base_url() -> str:
    return settings.VOROC_BASE_URL.rstrip("/")


def _tell_the_mbo(consent: Consent, dossier: Dossier) -> None:
    with override("nl"):  # meldingen are stored in Dutch, the language of the procedure
        text = _("Doorstroomdossier ontvangen van %(name)s: %(choice)s.") % {
            "name": consent.given_by_name,
            "choice": consent.choice_text,
        }
    notify(
        organisation=consent.mbo_school,
        kind=MeldingKind.LEERLING,
        text=text,
        pupil=_pupil_the_mbo_sees(dossier),
        link=reverse("mbodossiers:dossier", args=[consent.pk]),
        dedupe_key=_melding_key(consent),
    )


@transaction.atomic
def withdraw(*, consent: Consent, reason: str) -> Consent:
    """The pupil takes the consent back, before the mbo-school opened the dossier."""
    dossier = locked_dossier(consent.dossier_id)
    fresh = Consent.objects.select_for_update(of=("self",)).select_related("mbo_school").get(pk=consent.pk)
    if fresh.withdrawn_at is not None:
        raise ValidationError(_("Je hebt deze toestemming al ingetrokken."))
    if fresh.opened_at is not None:
        raise ValidationError(
            _(
                "%(school)s heeft je dossier al geopend op %(when)s. Daarom kun je je toestemming hier niet meer "
                "intrekken."
            )
            % {"school": fresh.mbo_school.name, "when": date_format(timezone.localtime(fresh.opened_at), "j F Y")}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Schrijf kort op waarom je je toestemming intrekt.")})
    now = timezone.now()
    fresh.withdrawn_at = now
    fresh.withdrawn_reason = reason[:300]
    fresh.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    if dossier.state == DossierState.VERSTUURD:
        dossier.state = DossierState.AKKOORD
        dossier.akkoord_since = now
        dossier.sent_at = None
        dossier.save(update_fields=["state", "akkoord_since", "sent_at", "updated_at"])
    # The mbo-school's Melding named the pupil and led to the dossier: it goes with the access.
    Melding.objects.filter(dedupe_key=_melding_key(fresh)).delete()
    record_event(
        Action.CHANGE,
        user=dossier.account.user,
        summary=(
            f"doorstroomdossier {dossier.pk}: toestemming {fresh.pk} ingetrokken voor {fresh.mbo_school.name} "
            "(voordat de mbo-school het opende)"
        ),
        pupil=dossier.account.pupil,
    )
    return fresh


@transaction.atomic
def open_consent(*, consent: Consent) -> Consent | None:
    """The mbo-school opens the dossier: the first time is kept. None when the consent was withdrawn meanwhile."""
    fresh = Consent.objects.select_for_update(of=("self",)).filter(pk=consent.pk, withdrawn_at__isnull=True).first()
    if fresh is None:
        return None
    if fresh.opened_at is None:
        fresh.opened_at = timezone.now()
        fresh.save(update_fields=["opened_at"])
    consent.opened_at = fresh.opened_at
    return consent
