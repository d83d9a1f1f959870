"""Part B: the pupil sends a complete part A to a mentor (seed, steps 17–19), the mentor answers the declared questions
about the pupil and says per page of part A "eens" or "oneens", then sends it back; the pupil is mailed what to do
next (the akkoordverklaring).

A pupil of a vo-school picks a mentor of their own groups (then any mentor of the school): that mentor opens part B
after login. A pupil without a vo-school — or whose school has no mentors in VOROC — types a name and an address: that
person gets a link that works once (it opens this dossier in that browser only) and expires after 14 days; the
pupil can send a new one. The dossier is the pupil's own, sent by the pupil to the person they chose: that choice
is the ground for the mentor to read it, and it is recorded (audit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import send_templated_mail
from accounts.models import Role, User
from audit.models import Action
from doorstroom.declaration import Step, is_filled
from doorstroom.engine import Measured, Progress, evaluate
from groups.models import MENTOR_CODENAME
from notifications.models import MeldingKind
from notifications.services import notify

from .filling import merge_input
from .flow import check_part_a_complete
from .history import record
from .models import MENTOR_LINK_VALID, Dossier, DossierState
from .selectors import locked_dossier
from .tokens import digest, new_token

AGREE, DISAGREE = "eens", "oneens"
VERDICT_CHOICES = ((AGREE, _("Eens")), (DISAGREE, _("Oneens")))
REMARK_MAX = 1000


def _base_url() -> str:
    from django.conf import settings

    return settings.VOROC_BASE_URL.rstrip("/")


# --- who can be chosen -----------------------------------------------------------------------------------------


def school_mentors(dossier: Dossier) -> tuple[list[User], list[User]]:
    """(the mentors of the pupil's own group, the other mentors of the school); both empty without a vo-school."""
    pupil = dossier.account.pupil
    if pupil is None:
        return [], []
    mentors = User.objects.filter(organisation_id=pupil.school_id, role=Role.MENTOR, is_active=True).order_by(
        "achternaam", "voornaam"
    )
    own_ids: set[int] = set()
    if pupil.group_id is not None:
        own_ids = set(
            mentors.filter(
                mentorgrant__content_object_id=pupil.group_id, mentorgrant__permission__codename=MENTOR_CODENAME
            ).values_list("pk", flat=True)
        )
    everyone = list(mentors)
    return [m for m in everyone if m.pk in own_ids], [m for m in everyone if m.pk not in own_ids]


def may_type_a_mentor(dossier: Dossier) -> bool:
    """Typing a name and address is for pupils whose mentor is not in VOROC (no vo-school, or none listed)."""
    own, others = school_mentors(dossier)
    return not own and not others


# --- sending -----------------------------------------------------------------------------------------------------


def _mail_mentor(dossier: Dossier, url: str, *, valid_until=None) -> None:
    pupil_name = dossier.account.user.full_name
    send_templated_mail(
        to=[dossier.mentor_email],
        subject=_("VOROC: %(name)s vraagt u het mentordeel van het doorstroomdossier in te vullen")
        % {"name": pupil_name},
        template="dossier/mail/to_mentor",
        context={
            "dossier": dossier,
            "pupil_name": pupil_name,
            "mentor_name": dossier.mentor_name,
            "url": url,
            "valid_until": valid_until,
            "valid_days": MENTOR_LINK_VALID.days,
        },
        about_pupil_id=dossier.account.pupil_id,
    )


@transaction.atomic
def send_to_mentor(*, dossier: Dossier, mentor: User | None = None, name: str = "", email: str = "") -> Dossier:
    """Part A to a mentor of the school (``mentor``) or to a typed name and address (a link that works once)."""
    fresh = locked_dossier(dossier.pk)
    if not fresh.spec.has_mentor:
        raise ValidationError(_("Dit dossier heeft geen mentordeel: je gaat meteen naar de akkoordverklaring."))
    check_part_a_complete(fresh)
    own, others = school_mentors(fresh)
    token = ""
    if mentor is not None:
        if mentor not in own and mentor not in others:
            raise ValidationError(_("Kies een mentor van je eigen school."))
        fresh.mentor, fresh.mentor_name, fresh.mentor_email = mentor, mentor.full_name, mentor.email
        fresh.mentor_token, fresh.mentor_token_expires_at = "", None
    else:
        if own or others:
            raise ValidationError(_("Kies je mentor uit de lijst."))
        name = " ".join((name or "").split())
        email = (email or "").strip().lower()
        errors = {}
        if not name:
            errors["naam"] = _("Vul de naam van je mentor of coach in.")
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.")
        if errors:
            raise ValidationError(errors)
        token, token_digest = new_token()
        fresh.mentor, fresh.mentor_name, fresh.mentor_email = None, name[:200], email
        fresh.mentor_token = token_digest
        fresh.mentor_token_expires_at = timezone.now() + MENTOR_LINK_VALID
    _prefill_mentor(fresh)
    fresh.state = DossierState.BIJ_MENTOR
    fresh.sent_to_mentor_at = timezone.now()
    fresh.reminded_at = None
    fresh.save()
    _announce(fresh, token)
    record(fresh, f"deel A naar de mentor gestuurd ({fresh.mentor_name})")
    return fresh


# Questions of part B that ask who the mentor is: filled in with what VOROC knows when the dossier goes to them (they
# can change it), and kept when the mentor already answered.
MENTOR_PREFILL = {"mentor_naam": "name", "mentor_contact": "contact"}


def _prefill_mentor(dossier: Dossier) -> None:
    part_b = dossier.spec.part_b
    if part_b is None:
        return
    known = {
        "name": dossier.mentor_name,
        "contact": (dossier.mentor.telefoon if dossier.mentor is not None else "") or dossier.mentor_email,
    }
    for key, what in MENTOR_PREFILL.items():
        if key in part_b.fields and known[what] and not dossier.mentor_answers.get(key):
            dossier.mentor_answers[key] = known[what][: part_b.fields[key].max_length or 200]


def _announce(dossier: Dossier, token: str) -> None:
    if dossier.mentor is not None:
        url = _base_url() + reverse("mentordeel:invullen", args=[dossier.pk])
        _mail_mentor(dossier, url)
        notify(
            organisation=dossier.mentor.organisation,
            user=dossier.mentor,
            kind=MeldingKind.LEERLING,
            text=_("%(name)s heeft deel A van het doorstroomdossier naar u gestuurd: vul het mentordeel in.")
            % {"name": dossier.account.user.full_name},
            pupil=dossier.account.pupil,
            link=reverse("mentordeel:invullen", args=[dossier.pk]),
        )
    else:
        url = _base_url() + reverse("mentordeel:link", args=[token])
        _mail_mentor(dossier, url, valid_until=timezone.localtime(dossier.mentor_token_expires_at))


@transaction.atomic
def resend_link(*, dossier: Dossier) -> Dossier:
    """A new link for a mentor without an account (the old one stops working)."""
    fresh = locked_dossier(dossier.pk)
    if fresh.state != DossierState.BIJ_MENTOR or fresh.mentor is not None:
        raise ValidationError(_("Er is geen link om opnieuw te sturen."))
    token, token_digest = new_token()
    fresh.mentor_token = token_digest
    fresh.mentor_token_expires_at = timezone.now() + MENTOR_LINK_VALID
    fresh.save()
    _announce(fresh, token)
    record(fresh, "nieuwe link naar de mentor gestuurd")
    return fresh


@transaction.atomic
def opened_grant(token: str) -> str:
    """What the dossier keeps once its link was opened, and the browser that opened it holds: the link's own token
    can no longer be found with it (it works once), and a new link, taking the dossier back or sending it to
    someone else replaces it, which ends that browser's access."""
    return digest("geopend:" + token)


@transaction.atomic
def use_link(token: str) -> tuple[Dossier, str] | None:
    """The dossier a mentor's link opens — once — with the grant for the browser that opened it (see
    ``opened_grant``). None for a link that was used, replaced, expired, or whose dossier is no longer at the mentor."""
    if not token or len(token) > 100:
        return None
    found = (
        Dossier.objects.select_for_update(of=("self",))
        .filter(mentor_token=digest(token), state=DossierState.BIJ_MENTOR, mentor__isnull=True)
        .first()
    )
    if found is None or found.mentor_token_expires_at is None or found.mentor_token_expires_at < timezone.now():
        return None
    grant = opened_grant(token)
    found.mentor_token = grant
    found.save(update_fields=["mentor_token", "updated_at"])
    record(found, "link van de mentor geopend", action=Action.VIEW, name=found.mentor_name)
    return found, grant


# --- part B ------------------------------------------------------------------------------------------------------


@dataclass
class PartB(Measured):
    """Part B as the mentor fills it in: the verdict per page of part A, then the declared questions."""

    questions: Progress
    verdict_pages: list[Step]
    verdicts: dict[str, Any]

    @property
    def verdicts_given(self) -> int:
        """Pages with "eens", or with "oneens" and what does not agree (the pupil reads it before the akkoord)."""
        return sum(1 for p in self.verdict_pages if verdict_given(self.verdicts.get(p.key) or {}))

    @property
    def required(self) -> int:
        return self.questions.required + len(self.verdict_pages)

    @property
    def filled(self) -> int:
        return self.questions.filled + self.verdicts_given


def verdict_given(verdict: dict) -> bool:
    return verdict.get("oordeel") == AGREE or (verdict.get("oordeel") == DISAGREE and bool(verdict.get("opmerking")))


def shown_pages_a(dossier: Dossier) -> list[Step]:
    spec = dossier.spec
    shown = {s.step.key for s in evaluate(spec.part_a, dossier.answers).shown_steps}
    return [p for p in spec.pages if p.key in shown or p.key == spec.choice.key]


def part_b_of(dossier: Dossier) -> PartB:
    spec = dossier.spec
    assert spec.part_b is not None
    combined = {**dossier.answers, **dossier.mentor_answers}  # a question of B may depend on an answer of A
    return PartB(evaluate(spec.part_b, combined), shown_pages_a(dossier), dossier.verdicts)


def _record_mentor(dossier: Dossier, text: str, by: User | None) -> None:
    """By the mentor's account, or (a mentor who came through the link) by the name the pupil typed."""
    record(dossier, text, by=by, name="" if by is not None else dossier.mentor_name)


def _check_mentor_may_write(dossier: Dossier) -> None:
    if dossier.state != DossierState.BIJ_MENTOR:
        raise ValidationError(
            _("Dit dossier is niet meer bij u: het is %(state)s.") % {"state": dossier.get_state_display()}
        )


@transaction.atomic
def save_verdicts(*, dossier: Dossier, verdicts: dict[str, dict[str, str]], by: User | None) -> Dossier:
    fresh = locked_dossier(dossier.pk)
    _check_mentor_may_write(fresh)
    pages = {p.key for p in shown_pages_a(fresh)}
    for key, verdict in verdicts.items():
        if key not in pages:
            continue
        oordeel = verdict.get("oordeel") if verdict.get("oordeel") in (AGREE, DISAGREE) else None
        remark = " ".join((verdict.get("opmerking") or "").split())[:REMARK_MAX]
        if oordeel is None and not remark:
            fresh.verdicts.pop(key, None)
        else:
            fresh.verdicts[key] = {"oordeel": oordeel, "opmerking": remark}
    fresh.save()
    _record_mentor(fresh, "mentordeel, oordeel per bladzijde opgeslagen", by)
    return fresh


@transaction.atomic
def save_part_b_page(*, dossier: Dossier, page: Step, values: dict, invalid: dict, by: User | None) -> Dossier:
    fresh = locked_dossier(dossier.pk)
    _check_mentor_may_write(fresh)
    merge_input(page, fresh.mentor_answers, fresh.mentor_invalid, values, invalid)
    fresh.save()
    _record_mentor(fresh, f"mentordeel, {page.title} opgeslagen", by)
    return fresh


@transaction.atomic
def return_to_pupil(*, dossier: Dossier, by: User | None) -> Dossier:
    """ "Terugsturen naar leerling": part B complete; the pupil is mailed exactly what to do next (seed, step 19)."""
    fresh = locked_dossier(dossier.pk)
    _check_mentor_may_write(fresh)
    if fresh.mentor_invalid:
        raise ValidationError(_("Er staat nog iets in het mentordeel dat niet goed is ingevuld. Verbeter dat eerst."))
    part_b = part_b_of(fresh)
    if not part_b.complete:
        raise ValidationError(
            _(
                "Vul eerst het hele mentordeel in: bij elke bladzijde eens, of oneens met wat er niet klopt, en de "
                "vragen met een *."
            )
        )
    now = timezone.now()
    fresh.state = DossierState.AKKOORD
    fresh.returned_at = now
    fresh.akkoord_since = now
    fresh.mentor_token, fresh.mentor_token_expires_at = "", None
    fresh.reminded_at = None
    fresh.save()
    user = fresh.account.user
    send_templated_mail(
        to=[user.email],
        subject=_("VOROC: je mentor heeft je doorstroomdossier teruggestuurd – geef nu je akkoord"),
        template="dossier/mail/returned",
        context={
            "user": user,
            "dossier": fresh,
            "mentor_name": fresh.mentor_name,
            "school": fresh.mbo_school.name if fresh.mbo_school else "",
            "url": _base_url() + reverse("leerling:home"),
            "disagreed": [
                p.title for p in part_b.verdict_pages if fresh.verdicts.get(p.key, {}).get("oordeel") == DISAGREE
            ],
        },
        about_pupil_id=fresh.account.pupil_id,
    )
    _record_mentor(fresh, "mentordeel klaar, teruggestuurd naar de leerling", by)
    return fresh


def filled_verdicts(dossier: Dossier) -> int:
    return sum(1 for v in dossier.verdicts.values() if is_filled(v.get("oordeel")))


@transaction.atomic
def take_back(*, dossier: Dossier) -> Dossier:
    """The pupil takes the dossier back from the mentor (sent to the wrong person, or something to change): part A
    is theirs again, the link stops working, and what the mentor already filled in stays for when it comes back."""
    fresh = locked_dossier(dossier.pk)
    if fresh.state != DossierState.BIJ_MENTOR:
        raise ValidationError(_("Dit dossier is niet bij je mentor."))
    name = fresh.mentor_name
    fresh.state = DossierState.DEEL_A
    fresh.mentor, fresh.mentor_token, fresh.mentor_token_expires_at = None, "", None
    fresh.sent_to_mentor_at = None
    fresh.reminded_at = None
    fresh.save()
    record(fresh, f"teruggehaald bij de mentor ({name})")
    return fresh
