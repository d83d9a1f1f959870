"""Sending: an approved form goes to every mbo-school where the pupil has an aanmelding (a Celery task after
the commit), as an immutable snapshot; a later aanmelding at another mbo-school gets the version that is
current then. Idempotent: running it again delivers nothing twice.

Only with consent (consent.py): a version goes out only when its answers hold the consent of the pupil and the
parents and the pupil's current version has not withdrawn it (``may_send``); every way out — the task after
approving, a new aanmelding (also one from a feed), the hourly ``deliver_missing_forms`` — passes ``deliver``,
which checks it. The snapshot records the consent it was sent on.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Organisation, Role, User
from audit.models import Action
from audit.services import record_change
from notifications.models import MeldingKind
from notifications.services import notify
from students.models import Aanmelding, Pupil, StatusSource

from . import consent, signals
from .engine import evaluate, record_sources
from .models import Delivery, FormRevision, Formulier, Snapshot, SnapshotAttachment
from .records import read_record
from .selectors import attachment_counts

State = Formulier.State


def make_snapshot(form: Formulier) -> Snapshot:
    """What the mbo receives: the answers of the shown fields (a hidden doelgroep step's old answers stay at
    the school), the pupil record as it is now, and the attachments of shown fields."""
    spec = form.declaration.parsed()
    shown = evaluate(spec, form.answers, attachment_counts(form)).shown_fields
    agreed = consent.record_of(form)
    if agreed is None:
        raise ValueError("a version without consent is not sent")  # deliver checked it: a bug if it comes here
    snapshot = Snapshot.objects.create(
        form=form,
        declaration=form.declaration,
        answers={k: v for k, v in form.answers.items() if k in shown},
        record=read_record(form.pupil, record_sources(spec)),
        approved_by_name=form.approved_by_name,
        approved_at=form.approved_at,
        consent_answer=agreed.answer,
        consent_by_name=agreed.by_name,
        consent_at=agreed.at,
        consent_version=agreed.version,
        extra_aandacht=form.pupil.extra_aandacht,
    )
    SnapshotAttachment.objects.bulk_create(
        [
            SnapshotAttachment(
                snapshot=snapshot, field=a.field, name=a.name, size=a.blob.size, blob=a.blob, uploaded_at=a.uploaded_at
            )
            for a in form.attachments.select_related("blob")
            if a.field in shown
        ]
    )
    return snapshot


def applied_schools(pupil: Pupil) -> list[Organisation]:
    ids = Aanmelding.objects.filter(pupil=pupil, school_year=pupil.school_year).values("mbo_school_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


@transaction.atomic
def deliver(*, form_id: int) -> list[Delivery]:
    """Send an approved version (or deliver a sent one to mbo-schools that do not have it yet)."""
    form = (
        Formulier.objects.select_for_update()
        .select_related("declaration", "pupil", "pupil__school")
        .filter(pk=form_id)
        .first()
    )
    if form is None or form.state not in (State.GEACCORDEERD, State.VERZONDEN):
        return []  # meanwhile changed (approval dropped) or removed: nothing to send
    if not may_send(form):
        return []  # no consent, or withdrawn in a later version: nothing (more) leaves the school
    schools = applied_schools(form.pupil)
    if not schools:
        return []  # approved, and sent as soon as the pupil applies somewhere
    snapshot = Snapshot.objects.filter(form=form).first() or make_snapshot(form)
    have = set(snapshot.deliveries.values_list("mbo_school_id", flat=True))
    new_schools = [s for s in schools if s.pk not in have]
    unknown = {s.pk for s in new_schools if not school_knew(vo_school_id=form.pupil.school_id, mbo_school_id=s.pk)}
    deliveries = [Delivery.objects.create(snapshot=snapshot, mbo_school=s) for s in new_schools]
    if form.state == State.GEACCORDEERD:
        form.state, form.sent_at = State.VERZONDEN, timezone.now()
        form.save(update_fields=["state", "sent_at"])  # not "laatst opgeslagen": no answer changed
        # A draft someone still had open can no longer be saved; it stays until they open the form again.
    if deliveries:
        FormRevision.objects.create(
            form=form,
            action=FormRevision.Action.SENT,
            note=", ".join(d.mbo_school.name for d in deliveries)[:300],
        )
        for delivery in deliveries:
            _tell_the_mbo(form, delivery)
            _record_delivery(form, delivery)
            if delivery.mbo_school_id in unknown:
                _tell_the_decanen(form, delivery)
        signals.form_sent.send(sender=Formulier, form=form, snapshot=snapshot, deliveries=deliveries)
    return deliveries


def may_send(form: Formulier) -> bool:
    """This version holds the consent, and the pupil's current version (a correction of it) has not withdrawn it."""
    if not consent.given(form):
        return False
    if form.is_current:
        return True
    current = Formulier.objects.select_related("declaration").filter(pupil_id=form.pupil_id, is_current=True).first()
    return current is None or consent.given(current)


def _tell_the_mbo(form: Formulier, delivery: Delivery) -> None:
    pupil = form.pupil
    with override("nl"):  # meldingen are stored in Dutch, the language of the procedure
        if form.version > 1:
            text = _("Gecorrigeerd doorstroomformulier (versie %(version)s) ontvangen van %(name)s, %(school)s.")
        else:
            text = _("Doorstroomformulier ontvangen van %(name)s, %(school)s.")
        text %= {"version": form.version, "name": pupil.full_name, "school": pupil.school.name}
    notify(
        organisation=delivery.mbo_school,
        kind=MeldingKind.LEERLING,
        text=text,
        pupil=pupil,
        link=reverse("doorstroom:ontvangen", args=[pupil.pk]),
        dedupe_key=f"doorstroom:delivery:{delivery.pk}",
    )


def school_knew(*, vo_school_id: int, mbo_school_id: int) -> bool:
    """Did the vo-school know this mbo-school before a form of its pupil goes there? Yes when a form of one of its
    pupils was delivered there before, or one of its pupils has an aanmelding there with a status the vo-school
    entered itself (not only ones the mbo-school's feed reported). Otherwise the delivery is news to the school: an
    aanmelding the feed created at a school it has never dealt with, possibly from a leaked token or a wrong file."""
    if Delivery.objects.filter(mbo_school_id=mbo_school_id, snapshot__form__pupil__school_id=vo_school_id).exists():
        return True
    return Aanmelding.objects.filter(
        mbo_school_id=mbo_school_id, pupil__school_id=vo_school_id, history__source=StatusSource.HAND
    ).exists()


def _record_delivery(form: Formulier, delivery: Delivery) -> None:
    """Every delivery in the audit log, per mbo-school (sealed, like the note of a sent version), saying whether the
    aanmelding it went for came from the mbo-school's feed."""
    pupil = form.pupil
    from_feed = Aanmelding.objects.filter(
        pupil=pupil,
        mbo_school_id=delivery.mbo_school_id,
        school_year=pupil.school_year,
        history__source=StatusSource.FEED,
    ).exists()
    how = "aanmelding uit de terugkoppeling van de mbo-school" if from_feed else "aanmelding ingevoerd in VOROC"
    record_change(
        pupil,
        action=Action.SENT,
        changes={"Doorgestuurd aan": (None, delivery.mbo_school.name)},
        summary=f"doorstroomformulier versie {form.version} beschikbaar gesteld aan een mbo-school ({how})",
    )


def decanen(school_id: int) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=school_id, role__in=[Role.DECAAN, Role.DECAAN_BEHEERDER], is_active=True
        ).order_by("pk")
    )


def _tell_the_decanen(form: Formulier, delivery: Delivery) -> None:
    """A form went to an mbo-school the vo-school did not know (school_knew): a melding for each decaan of the
    pupil's school (for the whole school when it has none), naming that mbo-school."""
    pupil = form.pupil
    with override("nl"):
        text = _(
            "Het doorstroomformulier van %(name)s is doorgestuurd naar %(mbo)s, een mbo-school waarmee uw school in "
            "VOROC nog niet te maken had: de aanmelding daar is gemeld door die mbo-school zelf. Klopt dit niet, neem "
            "dan contact op met de servicedesk."
        ) % {"name": pupil.full_name, "mbo": delivery.mbo_school.name}
    recipients: list[User | None] = [*decanen(pupil.school_id)] or [None]
    for user in recipients:
        notify(
            organisation=pupil.school,
            user=user,
            kind=MeldingKind.LEERLING,
            text=text,
            pupil=pupil,
            link=reverse("students:leerling", args=[pupil.pk]),
            dedupe_key=f"doorstroom:new-mbo-school:{delivery.pk}:{user.pk if user else 0}",
        )


def deliver_to_new_schools(*, pupil_id: int) -> list[Delivery]:
    """After a new aanmelding: the approved current version, or else the last sent one, goes there too (deliver
    sends nothing without consent, nor once the current version withdrew it)."""
    current = Formulier.objects.filter(pupil_id=pupil_id, is_current=True).first()
    if current is not None and current.state == State.GEACCORDEERD:
        return deliver(form_id=current.pk)
    last_sent = Formulier.objects.filter(pupil_id=pupil_id, state=State.VERZONDEN).order_by("-version").first()
    return deliver(form_id=last_sent.pk) if last_sent else []


def _consent_stands() -> Exists:
    """The pupil's current version holds the consent (the kept flag; deliver checks the answers again)."""
    return Exists(Formulier.objects.filter(pupil_id=OuterRef("pupil_id"), is_current=True, consent_given=True))


def pupils_with_a_form_to_pass_on(pupil_ids) -> list[int]:
    """Of these pupils, those with an approved current version or a sent one, with consent: what a new mbo-school
    gets."""
    return sorted(
        set(
            Formulier.objects.filter(pupil_id__in=list(pupil_ids), consent_given=True)
            .filter(Q(is_current=True, state=State.GEACCORDEERD) | Q(state=State.VERZONDEN))
            .filter(_consent_stands())
            .values_list("pupil_id", flat=True)
        )
    )


def pupils_missing_a_delivery() -> list[int]:
    """Pupils with an aanmelding (this school year) at an mbo-school that has not received the form it should
    have: an approved current version not sent yet, or the newest sent version not delivered there — with the
    consent, which the pupil's current version has not withdrawn."""
    applied = Aanmelding.objects.filter(pupil_id=OuterRef("pupil_id"), school_year=OuterRef("pupil__school_year"))
    approved = Formulier.objects.filter(is_current=True, state=State.GEACCORDEERD, consent_given=True).filter(
        Exists(applied)
    )
    newer_sent = Formulier.objects.filter(
        pupil_id=OuterRef("pupil_id"), state=State.VERZONDEN, version__gt=OuterRef("version")
    )
    not_delivered = applied.exclude(
        mbo_school_id__in=Delivery.objects.filter(snapshot__form_id=OuterRef(OuterRef("pk"))).values("mbo_school_id")
    )
    sent = (
        Formulier.objects.filter(state=State.VERZONDEN, consent_given=True)
        .exclude(Exists(newer_sent))
        .filter(Exists(not_delivered), _consent_stands())
    )
    return sorted(set(approved.values_list("pupil_id", flat=True)) | set(sent.values_list("pupil_id", flat=True)))


def deliver_missing() -> int:
    """Deliver what should have gone (idempotent; run hourly by Celery beat)."""
    return sum(len(deliver_to_new_schools(pupil_id=pupil_id)) for pupil_id in pupils_missing_a_delivery())
