"""The demo's pupils with an account: leerling.vo1 (a pupil of VO1 in mentor.vo1's group 4A, active, the demo
password) and a second pupil of 4A who was invited and has not chosen a password yet. Idempotent."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_password
from accounts.models import Role, User
from students.models import Pupil

from .models import INVITATION_VALID, AccountSource, Dossier, PupilAccount
from .services import new_username
from .tokens import new_token

ACTIVE = "leerling.vo1"


@transaction.atomic
def seed_pupil_accounts() -> int:
    if User.objects.filter(username=ACTIVE).exists():
        return 0
    pupils = list(Pupil.objects.filter(school__code="00AA", group__name="4A", account__isnull=True).order_by("pk")[:2])
    if len(pupils) < 2:
        return 0
    decaan = User.objects.filter(username="decaan.vo1").first()
    now = timezone.now()
    created = 0
    for pupil, username, active in ((pupils[0], ACTIVE, True), (pupils[1], None, False)):
        user = User(
            username=username or new_username(pupil.voornaam, f"{pupil.tussenvoegsel} {pupil.achternaam}"),
            organisation=pupil.school,
            role=Role.LEERLING,
            voornaam=pupil.voornaam,
            tussenvoegsel=pupil.tussenvoegsel,
            achternaam=pupil.achternaam,
            email=f"{username or 'uitgenodigd.vo1'}@demo.voroc.nl",
            profile_checked_at=now,
        )
        if active:
            user.set_password(demo_password())
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        PupilAccount.objects.create(
            user=user,
            pupil=pupil,
            source=AccountSource.UITNODIGING,
            invited_by=decaan,
            invited_at=now,
            invite_email=user.email,
            # The demo's invitation link is not known to anyone: a new one is sent with "Opnieuw sturen".
            invite_token="" if active else new_token()[1],
            invite_expires_at=now + INVITATION_VALID,
            activated_at=now if active else None,
        )
        created += 2
    return created


# --- the demo's dossiers: one in each state ------------------------------------------------------------------------

# Answers a pupil might give, by question; a question not named here gets its first choice or a short text.
_TEXTS = {
    "nationaliteit": "Nederlandse",
    "geboorteland": "Nederland",
    "sport": "Voetbal bij HVV",
    "vrije_tijd": "Afspreken met vrienden, gamen en koken voor mijn familie.",
    "beroepswens": "Ik wil kok worden in een restaurant, later misschien een eigen zaak.",
    "motivatie_opleiding": "Ik kook thuis bijna elke dag en vond mijn stage in de keuken van het hotel het leukst.",
    "lob_toelichting": "Ik ging naar de open dag en liep een dag mee met de opleiding kok.",
    "vragen_intake": "Kan ik de opleiding ook in de BBL doen?",
    "comp_toelichting": "Plannen vind ik nog lastig, samenwerken gaat goed.",
}
_ROWS = {
    "stages": [{"bedrijf": "Hotel Des Indes", "plaats": "Den Haag", "werkzaamheden": "Meehelpen in de keuken"}],
    "werk": [{"bedrijf": "Albert Heijn", "plaats": "Den Haag", "werkzaamheden": "Vakkenvullen op zaterdag"}],
    "ouders": [{"naam": "Fatima Azzouzi", "relatie": "moeder", "telefoon": "06-41234567"}],
}


def _demo_answer(fld: Any) -> Any:
    from doorstroom.declaration import CHOICE, DATE, MULTICHOICE, NUMBER, ROWS, SCORE, TEXT, TEXTAREA, YESNO

    if fld.key in _TEXTS:
        return _TEXTS[fld.key]
    if fld.type == ROWS:
        if fld.key in _ROWS and {c.key for c in fld.columns} >= set(_ROWS[fld.key][0]):
            return _ROWS[fld.key]
        return [{c.key: _demo_answer(c) for c in fld.columns if c.required}] if fld.required else None
    if fld.type == SCORE:
        return "3"
    if fld.type == YESNO:
        return "nee"
    if fld.type in (CHOICE,):
        return fld.choices[0][0]
    if fld.type == MULTICHOICE:
        return [next(v for v, _label in fld.choices if v != "geen")]
    if fld.type == NUMBER:
        return fld.min if fld.min is not None and fld.min > 0 else 1
    if fld.type == DATE:
        return (timezone.localdate() - datetime.timedelta(days=200)).isoformat()
    if fld.type in (TEXT, TEXTAREA):
        return f"{fld.label}: zie gesprek" if fld.required else None
    return None


def _fill(dossier: Dossier, *, pages: int | None = None, spec_part: Any = None, into: str = "answers") -> None:
    """Answer the shown questions of the first ``pages`` pages (all without), as the pages would save them."""
    from doorstroom.engine import evaluate

    spec = spec_part or dossier.spec.part_a
    answers = getattr(dossier, into)
    base = dossier.answers if into == "mentor_answers" else {}
    for n, step in enumerate(spec.steps):
        if pages is not None and n >= pages:
            break
        for _round in range(3):
            shown = evaluate(spec, {**base, **answers}).of(step.key).fields
            new = {f.key: _demo_answer(f) for f in shown if f.is_answer and f.key not in answers}
            new = {k: v for k, v in new.items() if v is not None}
            if not new:
                break
            answers.update(new)


def _choose(dossier: Dossier) -> None:
    from students.models import Opleiding

    from .choice import describe

    opleiding = (
        Opleiding.objects.filter(school__code="25AA", active=True, locations__isnull=False)
        .select_related("school")
        .order_by("name")
        .first()
    )
    if opleiding is None:
        return
    location = opleiding.locations.order_by("pk").first()
    dossier.mbo_school, dossier.location, dossier.opleiding = opleiding.school, location, opleiding
    dossier.choice_text = describe(opleiding, opleiding.school, location)
    dossier.choice_confirmed = True


@transaction.atomic
def seed_dossiers() -> int:
    """leerling.vo1 with a VO-MBO dossier part-filled; three more pupils of 4A with an account (the demo password) and a
    complete dossier: one at mentor.vo1 for nine days (over the reminder limit), one back from the mentor and waiting
    for the akkoord, one agreed to and sent to roc.mbo1's school. Idempotent (nothing when leerling.vo1 has a
    dossier)."""
    from django.urls import reverse

    from notifications.models import MeldingKind
    from notifications.services import notify

    from .akkoord import give_akkoord, needs_parent, statements_for
    from .filling import progress_of, start_dossier
    from .mentor import part_b_of

    active = PupilAccount.objects.filter(user__username=ACTIVE).select_related("pupil").first()
    if active is None or active.dossiers.exists():
        return 0
    mentor = User.objects.filter(username="mentor.vo1").first()
    now = timezone.now()
    first = start_dossier(account=active, kind="vo-mbo")
    _fill(first, pages=3)
    first.percent = progress_of(first).percent
    first.save()
    created = 1
    others = list(Pupil.objects.filter(school__code="00AA", group__name="4A", account__isnull=True).order_by("pk")[:3])
    for pupil, state in zip(others, ("bij_mentor", "akkoord", "verstuurd"), strict=False):
        account = _demo_account(pupil, f"leerling.{state.replace('_', '')}.vo1")
        dossier = start_dossier(account=account, kind="vo-mbo")
        _fill(dossier)
        _choose(dossier)
        dossier.percent = progress_of(dossier).percent
        dossier.state = state
        dossier.mentor = mentor
        dossier.mentor_name = mentor.full_name if mentor else "Mentor"
        dossier.mentor_email = mentor.email if mentor else ""
        dossier.sent_to_mentor_at = now - datetime.timedelta(days=9 if state == "bij_mentor" else 12)
        if state in ("akkoord", "verstuurd"):
            dossier.state = "akkoord"
            _fill(dossier, spec_part=dossier.spec.part_b, into="mentor_answers")
            for page in part_b_of(dossier).verdict_pages:
                dossier.verdicts[page.key] = {"oordeel": "eens", "opmerking": ""}
            dossier.returned_at = dossier.akkoord_since = now - datetime.timedelta(days=3)
        dossier.save()
        # Started 18 days before it went to the mentor (the waiting times on Doorstroomdossiers).
        Dossier.objects.filter(pk=dossier.pk).update(created_at=dossier.sent_to_mentor_at - datetime.timedelta(days=18))
        created += 2
        if state == "bij_mentor" and mentor is not None:  # the Melding sending would have made (no mail in a demo)
            notify(
                organisation=mentor.organisation,
                user=mentor,
                kind=MeldingKind.LEERLING,
                text=f"{account.user.full_name} heeft deel A van het doorstroomdossier naar u gestuurd: "
                "vul het mentordeel in.",
                pupil=pupil,
                link=reverse("mentordeel:invullen", args=[dossier.pk]),
            )
            created += 1
        if state == "verstuurd":  # agreed to, with a parent's name where the pupil is under 16
            parent = needs_parent(dossier)
            give_akkoord(
                dossier=dossier,
                statements=statements_for(dossier, parent=parent),
                parent_name="M. " + pupil.achternaam if parent else "",
                parent_relation="moeder" if parent else "",
            )
            created += 1
    return created


def _demo_account(pupil: Pupil, username: str) -> PupilAccount:
    user = User(
        username=username,
        organisation=pupil.school,
        role=Role.LEERLING,
        voornaam=pupil.voornaam,
        tussenvoegsel=pupil.tussenvoegsel,
        achternaam=pupil.achternaam,
        email=f"{username}@demo.voroc.nl",
        profile_checked_at=timezone.now(),
    )
    user.set_password(demo_password())
    user.full_clean()
    user.save()
    return PupilAccount.objects.create(
        user=user, pupil=pupil, source=AccountSource.UITNODIGING, activated_at=timezone.now()
    )
