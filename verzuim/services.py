"""Writes of verzuimmeldingen: report, change while Geregistreerd, withdraw, the gemeente's status; and the school's
locaties and melders. Every new melding and every change is a Melding for the other side and a mail (queued after
the commit) in the verzuimloket's wording, without BSN and without the reason."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.bsn_like import bsn_like_numbers
from accounts.mail import send_templated_mail
from accounts.models import Organisation, User
from accounts.once import earlier_post, existing_row
from accounts.versions import FIELD, check_version, fingerprint
from audit.models import Action
from audit.services import record_change
from doorstroom.attachments import check_pdf
from notifications.models import MeldingKind
from notifications.services import notify
from students.models import Pupil
from students.selectors import gemeente_of

from .models import (
    CLOSED,
    END_REQUIRED,
    GEMEENTE_MOVES,
    TEXT_MAX,
    Bijlage,
    Change,
    Counter,
    Locatie,
    Melder,
    Reden,
    Status,
    StatusChange,
    VerzuimMelding,
)

MAX_ATTACHMENTS = 3
# The fields a school fills in (and may change while Geregistreerd), in the form's order.
FIELDS = (
    "soort",
    "reden",
    "begin",
    "eind",
    "alle_lessen_gemist",
    "toelichting",
    "actie_gewenst",
    "toelichting_actie",
    "locatie",
    "melder",
    "melder_naam",
    "melder_functie",
    "leerlingnummer",
)


def _name(user: User) -> str:
    return user.full_name or user.username


def next_number() -> int:
    """The next meldingsnummer: the counter row is locked, so two meldingen made at once get two numbers."""
    with transaction.atomic():
        counter, _created = Counter.objects.select_for_update().get_or_create(name="meldingsnummer")
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


def reserve_numbers(count: int) -> range:
    """``count`` consecutive meldingsnummers at once (a bulk load), taken under the same lock as next_number."""
    with transaction.atomic():
        counter, _created = Counter.objects.select_for_update().get_or_create(name="meldingsnummer")
        first = counter.value + 1
        counter.value += count
        counter.save(update_fields=["value"])
        return range(first, first + count)


def _period_and_reason_errors(clean: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("soort", "reden", "begin", "locatie"):
        if not clean[name]:
            errors[name] = _("Vul dit veld in.")
    begin, eind = clean["begin"], clean["eind"]
    if clean["soort"] in END_REQUIRED and not eind:
        errors["eind"] = _("Bij deze soort verzuim hoort een einddatum.")
    if begin and eind and eind < begin:
        errors["eind"] = _("Het eind van het verzuim ligt vóór het begin.")
    if begin and begin > timezone.localdate():
        errors["begin"] = _("Verzuim dat nog niet begonnen is, meldt u nog niet.")
    if clean["reden"] == Reden.ANDERS and not (clean["toelichting"] or "").strip():
        errors["toelichting"] = _("Licht bij “Anders” de reden toe.")
    if clean["actie_gewenst"] and not (clean["toelichting_actie"] or "").strip():
        errors["toelichting_actie"] = _("Schrijf welke actie u van de gemeente vraagt.")
    if bsn_like_numbers(clean["leerlingnummer"] or "", leading_zero_lost=True):
        errors["leerlingnummer"] = _(
            "Dit nummer lijkt een BSN. Vul het leerlingnummer uit uw eigen administratie in; het BSN kent VOROC al."
        )
    for name in ("toelichting", "toelichting_actie"):
        count = len((clean[name] or "").strip())
        if count > TEXT_MAX:
            errors[name] = _("Maximaal %(limit)d tekens; nu %(count)d.") % {"limit": TEXT_MAX, "count": count}
    return errors


def _school_errors(school: Organisation, clean: dict[str, Any]) -> dict[str, str]:
    """The locatie and the melder are the school's own; a chosen melder fills in an empty name and functie."""
    errors: dict[str, str] = {}
    locatie, melder = clean["locatie"], clean["melder"]
    if locatie and locatie.school_id != school.pk:
        errors["locatie"] = _("Kies een locatie van uw school.")
    if melder is not None:
        if melder.school_id != school.pk:
            errors["melder"] = _("Kies een melder van uw school.")
        clean["melder_naam"] = clean["melder_naam"] or melder.name
        clean["melder_functie"] = clean["melder_functie"] or melder.functie
    if not (clean["melder_naam"] or "").strip():
        errors["melder_naam"] = _("Kies een melder of vul de naam van de melder in.")
    return errors


def check_data(*, school: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    """The rules of the form, also for a caller without it: required fields per kind, a period that makes sense,
    the school's own locatie and melder, text limits. Raises a ValidationError per field, in Dutch."""
    clean = {name: data.get(name) for name in FIELDS}
    errors = {**_period_and_reason_errors(clean), **_school_errors(school, clean)}
    if errors:
        raise ValidationError(errors)
    clean["alle_lessen_gemist"] = bool(clean["alle_lessen_gemist"])
    clean["actie_gewenst"] = bool(clean["actie_gewenst"])
    for name in ("toelichting", "toelichting_actie", "melder_naam", "melder_functie", "leerlingnummer"):
        clean[name] = (clean[name] or "").strip()
    if not clean["actie_gewenst"]:
        clean["toelichting_actie"] = ""
    return clean


def _link(melding: VerzuimMelding) -> str:
    return reverse("verzuim:melding", args=[melding.pk])


def _tell(melding: VerzuimMelding, *, to: Organisation, text: str, subject: str) -> None:
    """A Melding for the other side, and a mail to its general address: what happened, a link, no pupil data."""
    notify(organisation=to, kind=MeldingKind.VERZUIM, pupil=melding.pupil, link=_link(melding), text=text)
    address = to.email
    if not address:
        return
    send_templated_mail(
        to=[address],
        subject=subject,
        template="verzuim/mail/changed",
        context={
            "subject": subject,
            "melding": melding,
            "link": settings.VOROC_BASE_URL.rstrip("/") + _link(melding),
        },
        about_pupil_id=melding.pupil_id,
    )


def _subject(melding: VerzuimMelding, *, new: bool) -> str:
    words = {"soort": melding.get_soort_display().lower(), "school": melding.school.name}
    if new:
        return _("Nieuwe melding %(soort)s door %(school)s") % words
    return _("Melding %(soort)s door %(school)s is gewijzigd") % words


@transaction.atomic
def report(*, pupil: Pupil, by: User, data: dict[str, Any], attachments: Iterable[UploadedFile] = ()) -> VerzuimMelding:
    """Opvoeren verzuim: to the gemeente of the pupil's address, with a meldingsnummer unique in the system."""
    gemeente = gemeente_of(pupil)
    if gemeente is None:
        raise ValidationError(
            _(
                "De postcode van %(name)s (%(postcode)s) ligt niet in een gemeente van de regio: VOROC kan de "
                "melding nergens heen sturen. Controleer het adres, of meld het verzuim bij de leerplichtambtenaar "
                "van de woonplaats."
            )
            % {"name": pupil.full_name, "postcode": pupil.postcode}
        )
    clean = check_data(school=by.organisation, data=data)
    same = earlier_post(
        VerzuimMelding.objects.filter(pupil=pupil), created_by=by, soort=clean["soort"], begin=clean["begin"]
    )
    if same is not None:  # the same melding posted twice (a double click, the back button): kept once
        return same
    melding = VerzuimMelding(
        meldingsnummer=next_number(),
        pupil=pupil,
        school=by.organisation,
        gemeente=gemeente,
        created_by=by,
        created_by_name=_name(by),
        **clean,
    )
    melding.full_clean(exclude=["meldingsnummer"])
    melding.save()
    StatusChange.objects.create(
        melding=melding, status=Status.GEREGISTREERD, by=by, by_name=_name(by), organisation=by.organisation
    )
    for upload in attachments:
        add_attachment(melding=melding, upload=upload)
    record_change(pupil, action=Action.CREATE, summary=f"verzuimmelding {melding.meldingsnummer} gemeld")
    _tell(
        melding,
        to=gemeente,
        text=_("%(school)s meldde verzuim van %(name)s (meldingsnummer %(nummer)s): %(soort)s.")
        % {
            "school": melding.school.name,
            "name": pupil.full_name,
            "nummer": melding.meldingsnummer,
            "soort": melding.get_soort_display().lower(),
        },
        subject=_subject(melding, new=True),
    )
    return melding


def _shown_field(name: str) -> tuple[str, Callable[[Any], str]]:
    """A field's label and how its values are shown in the history (a choice by its label, a date as d-m-Y)."""
    field = cast(models.Field, VerzuimMelding._meta.get_field(name))
    choices = dict(cast(list, field.choices or []))
    return str(field.verbose_name), lambda value: _shown(choices.get(value, value))


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


@transaction.atomic
def melding_version(melding: VerzuimMelding) -> str:
    """The ``versie`` of what Wijzigen shows of a melding (accounts/versions.py)."""
    return fingerprint(
        {name: getattr(melding, cast(models.Field, melding._meta.get_field(name)).attname) for name in FIELDS}
    )


def change(*, melding: VerzuimMelding, by: User, data: dict[str, Any]) -> VerzuimMelding:
    """The school changes its melding, only while it is Geregistreerd; every change is kept. ``data["versie"]``: what
    the page showed; when a colleague changed the melding since, nothing is written (accounts/versions.StaleVersion)."""
    melding = VerzuimMelding.objects.select_for_update().get(pk=melding.pk)
    if not melding.school_may_change:
        raise ValidationError(
            _("De gemeente behandelt deze melding al; wijzigen kan alleen zolang de melding geregistreerd is.")
        )
    clean = check_data(school=melding.school, data=data)
    check_version(
        posted=data.get(FIELD),
        current=melding_version(melding),
        what=[_shown_field(name)[0] for name, value in clean.items() if getattr(melding, name) != value],
    )
    changed: dict[str, list[str]] = {}
    for name, value in clean.items():
        old = getattr(melding, name)
        if old != value:
            label, shown = _shown_field(name)
            changed[label] = [shown(old), shown(value)]
            setattr(melding, name, value)
    if not changed:
        return melding
    melding.full_clean(exclude=["meldingsnummer"])
    melding.save()
    Change.objects.create(melding=melding, by=by, by_name=_name(by), fields=changed)
    record_change(melding.pupil, summary=f"verzuimmelding {melding.meldingsnummer} gewijzigd")
    _tell(
        melding,
        to=melding.gemeente,
        text=_("%(school)s wijzigde de verzuimmelding %(nummer)s van %(name)s.")
        % {"school": melding.school.name, "nummer": melding.meldingsnummer, "name": melding.pupil.full_name},
        subject=_subject(melding, new=False),
    )
    return melding


def _set_status(*, melding: VerzuimMelding, by: User, status: str, note: str, tell: Organisation) -> VerzuimMelding:
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise ValidationError({"note": _("Maximaal %(limit)d tekens.") % {"limit": TEXT_MAX}})
    old = melding.get_status_display()
    melding.status, melding.status_at = status, timezone.now()
    melding.closed_at = melding.status_at if status in CLOSED else None
    melding.save(update_fields=["status", "status_at", "closed_at", "updated_at"])
    StatusChange.objects.create(
        melding=melding, status=status, by=by, by_name=_name(by), organisation=by.organisation, note=note
    )
    record_change(
        melding.pupil, summary=f"verzuimmelding {melding.meldingsnummer}: {old} → {melding.get_status_display()}"
    )
    _tell(
        melding,
        to=tell,
        text=_("Verzuimmelding %(nummer)s van %(name)s is nu “%(status)s”.")
        % {"nummer": melding.meldingsnummer, "name": melding.pupil.full_name, "status": melding.get_status_display()},
        subject=_subject(melding, new=False),
    )
    return melding


@transaction.atomic
def withdraw(*, melding: VerzuimMelding, by: User, reason: str) -> VerzuimMelding:
    """Intrekken by the school, with a reason, as long as the gemeente has not closed it."""
    melding = VerzuimMelding.objects.select_for_update().get(pk=melding.pk)
    if melding.is_closed:
        raise ValidationError(_("Deze melding is al afgerond; intrekken kan niet meer."))
    if not (reason or "").strip():
        raise ValidationError({"note": _("Schrijf waarom u de melding intrekt.")})
    return _set_status(melding=melding, by=by, status=Status.INGETROKKEN, note=reason, tell=melding.gemeente)


@transaction.atomic
def set_status(*, melding: VerzuimMelding, by: User, status: str, note: str = "") -> VerzuimMelding:
    """The gemeente: Geregistreerd → In behandeling → Afgesloten, or Ter kennisgeving aangenomen."""
    melding = VerzuimMelding.objects.select_for_update().get(pk=melding.pk)
    if melding.gemeente_id != by.organisation_id:
        raise ValidationError(_("Alleen de gemeente van de leerling behandelt deze melding."))
    if status not in GEMEENTE_MOVES.get(Status(melding.status), ()):
        raise ValidationError(
            {"status": _("Van “%(old)s” kan de melding niet naar deze status.") % {"old": melding.get_status_display()}}
        )
    return _set_status(melding=melding, by=by, status=status, note=note, tell=melding.school)


def add_attachment(*, melding: VerzuimMelding, upload: UploadedFile) -> Bijlage:
    """A checked PDF (real PDF, size, no BSN inside: doorstroom.attachments.check_pdf), at most three."""
    if melding.bijlagen.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            {"bijlagen": _("Een melding heeft ten hoogste %(max)d bijlagen.") % {"max": MAX_ATTACHMENTS}}
        )
    sha, _pages = check_pdf(upload)
    upload.seek(0)
    content = upload.read()
    name = (upload.name or "bijlage.pdf").rsplit("/", 1)[-1][:150]
    bijlage = Bijlage(melding=melding, name=name, sha256=sha, size=len(content))
    bijlage.file.save(f"{sha[:16]}.pdf", ContentFile(content), save=False)
    bijlage.save()
    return bijlage


# --- the school's locaties and melders (BEHEER LOCATIES, BEHEER MELDERS) ------------------------------------------
def save_locatie(*, school: Organisation, name: str, locatie: Locatie | None = None) -> Locatie:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Vul de naam van de locatie in.")})
    same = Locatie.objects.filter(school=school).annotate(lower=Lower("name")).filter(lower=name.lower())
    if locatie is not None:
        same = same.exclude(pk=locatie.pk)
    if same.exists():
        raise ValidationError({"name": _("Uw school heeft al een locatie met deze naam.")})
    locatie = locatie or Locatie(school=school)
    locatie.name = name
    locatie.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            locatie.save()
    except IntegrityError:
        raise ValidationError({"name": _("Uw school heeft al een locatie met deze naam.")}) from None
    return locatie


@transaction.atomic
def save_melder(*, school: Organisation, name: str, functie: str, melder: Melder | None = None) -> Melder:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Vul de naam van de melder in.")})
    functie = (functie or "").strip()
    if melder is None:
        Organisation.objects.select_for_update().filter(pk=school.pk).first()  # two posts at once: one after the other
        same = existing_row(Melder.objects.filter(school=school, active=True), name=name, functie=functie)
        if same is not None:
            return same  # the form posted twice (a double click, the back button): one melder
    melder = melder or Melder(school=school)
    melder.name, melder.functie = name, functie
    melder.full_clean()
    melder.save()
    return melder


def set_active(item: Locatie | Melder, active: bool) -> None:
    """Deactivated: no longer offered in the form; it stays on the meldingen that name it."""
    item.active = active
    item.save(update_fields=["active"])
