"""Writes of the gemeente's side: remarks, reporting a pupil (De Overstap, risicomelding, niet verschenen), and the
gemeente handling what was reported. Every write is audited, makes a Melding for the other side, and a report to the
gemeente also a mail (queued after the commit: a rolled-back report sends nothing)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import send_templated_mail
from accounts.models import Organisation, User
from accounts.once import earlier_post
from accounts.versions import check_version, fingerprint
from audit.models import Action
from audit.services import record_change
from notifications.models import MeldingKind
from notifications.services import notify
from students.models import Aanmelding, Pupil, Status
from students.schoolyear import current_school_year
from students.selectors import gemeente_of

from .models import (
    NOTE_MAX,
    REMARK_MAX,
    Case,
    CaseKind,
    CaseStatus,
    CaseStatusChange,
    Contact,
    Outcome,
    Remark,
    RiskReason,
)


def _name(user: User) -> str:
    return user.full_name or user.username


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("Vul dit veld in.")})
    if len(text) > limit:
        raise ValidationError(
            {field: _("Maximaal %(limit)d tekens; nu %(count)d.") % {"limit": limit, "count": len(text)}}
        )
    return text


def _pupil_link(pupil: Pupil) -> str:
    return reverse("students:leerling", args=[pupil.pk])


def _tell_school(pupil: Pupil, text: str) -> None:
    """A melding for the pupil's school (its decaan, and the mentor of the group), linking to the gemeente's part of
    the pupil's page."""
    notify(
        organisation=pupil.school,
        kind=MeldingKind.GEMEENTE,
        pupil=pupil,
        link=_pupil_link(pupil) + "#gemeente",
        text=text,
    )


def case_link(case: Case) -> str:
    return reverse("gemeente:melding", args=[case.pk])


# --- remarks ------------------------------------------------------------------------------------------------
@transaction.atomic
def add_remark(*, pupil: Pupil, by: User, text: str) -> Remark:
    """A gemeente user's remark on a pupil who lives in their gemeente; the school hears of it in Meldingen."""
    text = _text(text, field="text", limit=REMARK_MAX)
    same = earlier_post(Remark.objects.filter(pupil=pupil), author=by, text=text)
    if same is not None:  # the same remark posted twice (a double click, the back button): kept once
        return same
    remark = Remark(pupil=pupil, gemeente_id=by.organisation_id, author=by, author_name=_name(by), text=text)
    remark.full_clean()
    remark.save()
    record_change(pupil, action=Action.CREATE, summary="gemeente-opmerking geschreven")
    words = {"gemeente": by.organisation.name, "name": pupil.full_name}
    _tell_school(pupil, _("%(gemeente)s schreef een opmerking over %(name)s.") % words)
    return remark


@transaction.atomic
def edit_remark(*, remark: Remark, by: User, text: str) -> Remark:
    if not remark.may_edit(by):
        raise ValidationError(
            _("Een opmerking kan alleen door de schrijver worden gewijzigd, tot 24 uur na het schrijven.")
        )
    text = _text(text, field="text", limit=REMARK_MAX)
    if text == remark.text:
        return remark
    remark.text, remark.edited_at = text, timezone.now()
    remark.save(update_fields=["text", "edited_at"])
    record_change(remark.pupil, summary="gemeente-opmerking gewijzigd")
    return remark


# --- reporting to the gemeente --------------------------------------------------------------------------------
def gemeente_for_report(pupil: Pupil) -> Organisation:
    gemeente = gemeente_of(pupil)
    if gemeente is None:
        raise ValidationError(
            _(
                "De postcode van %(name)s (%(postcode)s) ligt niet in een gemeente van de regio. Controleer het "
                "adres bij de leerlinggegevens; een melding aan de gemeente kan pas als het adres in een gemeente "
                "van de regio ligt."
            )
            % {"name": pupil.full_name, "postcode": pupil.postcode}
        )
    return gemeente


def _mail_gemeente(case: Case, subject: str) -> None:
    """To the gemeente's De Overstap address (or its general one): what happened and a link; no pupil data."""
    to = case.gemeente.overstap_email or case.gemeente.email
    if not to:
        return
    send_templated_mail(
        to=[to],
        subject=subject,
        template="gemeente/mail/case_reported",
        context={
            "case": case,
            "kind": case.get_kind_display(),
            "organisation": case.reported_by_organisation.name,
            "link": settings.VOROC_BASE_URL.rstrip("/") + case_link(case),
        },
        about_pupil_id=case.pupil_id,
    )


def _report(
    *, kind: str, pupil: Pupil, by: User, remark: str, reason: str = "", aanmelding: Aanmelding | None = None
) -> Case:
    gemeente = gemeente_for_report(pupil)
    case = Case(
        kind=kind,
        pupil=pupil,
        gemeente=gemeente,
        reported_by_organisation_id=by.organisation_id,
        reported_by=by,
        reported_by_name=_name(by),
        school_year=pupil.school_year if kind != CaseKind.NIET_VERSCHENEN else current_school_year(),
        reason=reason,
        remark=remark,
        aanmelding=aanmelding,
    )
    case.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError(_already_reported(kind, pupil)) from None
    CaseStatusChange.objects.create(case=case, status=case.status, at=case.reported_at, by=by, by_name=_name(by))
    record_change(pupil, action=Action.CREATE, summary=f"gemeld bij de gemeente: {case.get_kind_display()}")
    notify(
        organisation=gemeente,
        kind=MeldingKind.GEMEENTE,
        pupil=pupil,
        link=case_link(case),
        text=_("%(organisation)s meldde %(name)s: %(kind)s.")
        % {"organisation": by.organisation.name, "name": pupil.full_name, "kind": case.get_kind_display()},
    )
    _mail_gemeente(case, _("VOROC: nieuwe melding %(kind)s") % {"kind": case.get_kind_display()})
    return case


def _already_reported(kind: str, pupil: Pupil) -> str:
    if kind == CaseKind.OVERSTAP:
        return _("%(name)s is dit schooljaar al aangemeld bij De Overstap; die aanmelding loopt nog.") % {
            "name": pupil.full_name
        }
    if kind == CaseKind.RISICO:
        return _("Uw school heeft al een risicomelding over %(name)s die nog loopt.") % {"name": pupil.full_name}
    return _("Deze leerling is voor deze aanmelding al als niet verschenen gemeld.")


def open_overstap(pupil: Pupil) -> Case | None:
    return (
        Case.objects.filter(pupil=pupil, kind=CaseKind.OVERSTAP, school_year=pupil.school_year)
        .exclude(status=CaseStatus.AFGESLOTEN)
        .first()
    )


@transaction.atomic
def report_overstap(*, pupil: Pupil, by: User, remark: str) -> Case:
    """Aanmelden bij De Overstap: one open aanmelding per pupil per school year, with a remark for the gemeente."""
    remark = _text(remark, field="remark", limit=REMARK_MAX)
    if open_overstap(pupil) is not None:
        raise ValidationError(_already_reported(CaseKind.OVERSTAP, pupil))
    return _report(kind=CaseKind.OVERSTAP, pupil=pupil, by=by, remark=remark)


@transaction.atomic
def report_risk(*, pupil: Pupil, by: User, reason: str, remark: str) -> Case:
    """A risicomelding (dreigende uitval), any time of the year, with a reason; "anders" needs a note."""
    if reason not in RiskReason.values:
        raise ValidationError({"reason": _("Kies een reden.")})
    remark = _text(remark, field="remark", limit=REMARK_MAX, required=reason == RiskReason.ANDERS)
    return _report(kind=CaseKind.RISICO, pupil=pupil, by=by, remark=remark, reason=reason)


@transaction.atomic
def report_not_arrived(*, aanmelding: Aanmelding, by: User, remark: str = "") -> Case:
    """An mbo-school reports that a pupil with a definitieve keuze there did not turn up after the summer."""
    if aanmelding.mbo_school_id != by.organisation_id:
        raise ValidationError(_("Alleen de mbo-school van deze aanmelding kan dit melden."))
    if aanmelding.status != Status.DEFINITIEF:
        raise ValidationError(
            _("Niet verschenen kan alleen bij een leerling met een definitieve keuze voor uw school.")
        )
    if aanmelding.pupil.school_year >= current_school_year():
        raise ValidationError(
            _("Niet verschenen meldt u na de start van het mbo-schooljaar, bij de leerlingen van vorig schooljaar.")
        )
    remark = _text(remark, field="remark", limit=REMARK_MAX, required=False)
    pupil = aanmelding.pupil
    case = _report(kind=CaseKind.NIET_VERSCHENEN, pupil=pupil, by=by, remark=remark, aanmelding=aanmelding)
    words = {"school": by.organisation.name, "name": pupil.full_name}
    _tell_school(pupil, _("%(school)s meldt dat %(name)s niet is verschenen; de gemeente is ingelicht.") % words)
    return case


# --- the gemeente handles a case -----------------------------------------------------------------------------
def case_version(case: Case) -> str:
    """The ``versie`` of a report's status as its page shows it (accounts/versions.py)."""
    return fingerprint({"status": case.status, "outcome": case.outcome, "outcome_note": case.outcome_note})


@transaction.atomic
def set_status(
    *, case: Case, by: User, status: str, outcome: str = "", outcome_note: str = "", versie: str | None = None
) -> Case:
    """Ontvangen → In behandeling → Afgesloten (with an outcome). The school hears of every change. ``versie``: the
    status the page showed; when a colleague changed it since, nothing is written (accounts/versions.StaleVersion)."""
    stored = Case.objects.select_for_update().get(pk=case.pk)
    check_version(
        posted=versie,
        current=case_version(stored),
        what=[_("de status is nu “%(status)s”") % {"status": stored.get_status_display()}],
    )
    case.status, case.outcome, case.outcome_note = stored.status, stored.outcome, stored.outcome_note
    if status not in CaseStatus.values:
        raise ValidationError({"status": _("Kies een status.")})
    if status == CaseStatus.AFGESLOTEN:
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Kies bij het afsluiten de uitkomst.")})
        outcome_note = _text(outcome_note, field="outcome_note", limit=300, required=outcome == Outcome.ANDERS)
    else:
        outcome, outcome_note = "", ""
    if (status, outcome, outcome_note) == (case.status, case.outcome, case.outcome_note):
        return case
    if status != CaseStatus.AFGESLOTEN and case.kind == CaseKind.OVERSTAP and not case.is_open:
        # Re-opening: the rule "one open Overstap-aanmelding a year" holds here too.
        other = open_overstap(case.pupil)
        if other is not None and other.pk != case.pk:
            raise ValidationError(_already_reported(CaseKind.OVERSTAP, case.pupil))
    old = case.get_status_display()
    case.status, case.outcome, case.outcome_note, case.status_at = status, outcome, outcome_note, timezone.now()
    case.save(update_fields=["status", "outcome", "outcome_note", "status_at"])
    CaseStatusChange.objects.create(case=case, status=status, outcome=outcome, by=by, by_name=_name(by))
    record_change(case.pupil, summary=f"{case.get_kind_display()}: status {old} → {case.get_status_display()}")
    text = _("%(gemeente)s: %(kind)s van %(name)s is nu “%(status)s”.") % {
        "gemeente": case.gemeente.name,
        "kind": case.get_kind_display(),
        "name": case.pupil.full_name,
        "status": case.get_status_display(),
    }
    if outcome:
        text += " " + _("Uitkomst: %(outcome)s.") % {"outcome": case.get_outcome_display().lower()}
    if case.reported_by_organisation_id != case.pupil.school_id:  # an mbo-school's niet verschenen
        notify(organisation=case.reported_by_organisation, kind=MeldingKind.GEMEENTE, pupil=case.pupil, text=text)
    _tell_school(case.pupil, text)
    return case


@transaction.atomic
def add_contact(*, case: Case, by: User, date: datetime.date, kind: str, note: str) -> Contact:
    if date > timezone.localdate():
        raise ValidationError({"date": _("Een contactmoment kan niet in de toekomst liggen.")})
    note = _text(note, field="note", limit=NOTE_MAX, required=False)
    duplicate = Contact.objects.filter(case=case, by=by, date=date, kind=kind, note=note).first()
    if duplicate is not None:  # posted twice
        return duplicate
    contact = Contact(case=case, date=date, kind=kind, note=note, by=by, by_name=_name(by))
    contact.full_clean()
    contact.save()
    if case.status == CaseStatus.ONTVANGEN:  # a first contact: the case is being handled
        set_status(case=case, by=by, status=CaseStatus.IN_BEHANDELING)
    record_change(case.pupil, summary=f"{case.get_kind_display()}: contactmoment vastgelegd")
    return contact
