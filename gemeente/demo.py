"""The demo region's gemeente side: some pupils of each school live in the other gemeente, and both gemeenten have
Overstap-aanmeldingen and risicomeldingen in every status, with contact logs, and remarks.

Idempotent: pupils are chosen by a fixed rule, and the reports are made only when there are none yet.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from notifications.models import MeldingKind
from notifications.services import notify
from students.models import Pupil
from students.schoolyear import current_school_year

from .models import Case, CaseKind, CaseStatus, CaseStatusChange, Contact, ContactKind, Outcome, Remark, RiskReason

# (school, every n-th pupil by pk from the offset, the gemeente they move to, its postcode areas, woonplaats)
MOVERS = [
    ("00AA", 12, 5, "GM0503", ["2611", "2612", "2613", "2622", "2624"], "Delft"),
    ("00BB", 12, 7, "GM0518", ["2511", "2512", "2525", "2533", "2571"], "Den Haag"),
]


def _move_some_pupils() -> int:
    """Each school has residents of both gemeenten (the gemeente sees pupils of every school in the region)."""
    moved = 0
    for school, every, offset, _gemeente, areas, woonplaats in MOVERS:
        pupils = list(Pupil.objects.filter(school__code=school).order_by("pk"))
        for number, pupil in enumerate(pupils):
            if number % every != offset or pupil.postcode[:4] in areas:
                continue
            pupil.postcode = f"{areas[number % len(areas)]} {pupil.postcode[-2:]}"
            pupil.woonplaats = woonplaats
            pupil.save(update_fields=["postcode", "woonplaats", "updated_at"])
            moved += 1
    return moved


def _name(user: User) -> str:
    return user.full_name or user.username


def _case(kind, pupil, gemeente, by: User, days_ago: int, *, remark="", reason="", steps=()) -> Case:
    """A report as the services make it, with a history: ``steps`` are (days later, status, outcome, by)."""
    at = timezone.now() - datetime.timedelta(days=days_ago)
    case = Case.objects.create(
        kind=kind,
        pupil=pupil,
        gemeente=gemeente,
        reported_by_organisation=by.organisation,
        reported_by=by,
        reported_by_name=_name(by),
        reported_at=at,
        status_at=at,
        school_year=pupil.school_year,
        remark=remark,
        reason=reason,
    )
    CaseStatusChange.objects.create(case=case, status=CaseStatus.ONTVANGEN, at=at, by=by, by_name=_name(by))
    notify(
        organisation=gemeente,
        kind=MeldingKind.GEMEENTE,
        pupil=pupil,
        link=f"/gemeente/meldingen/{case.pk}/",
        text=f"{by.organisation.name} meldde {pupil.full_name}: {case.get_kind_display()}.",
    )
    for later, status, outcome, handler in steps:
        when = at + datetime.timedelta(days=later)
        CaseStatusChange.objects.create(
            case=case, status=status, outcome=outcome, at=when, by=handler, by_name=_name(handler)
        )
        case.status, case.outcome, case.status_at = status, outcome, when
    case.save(update_fields=["status", "outcome", "status_at"])
    return case


def _contact(case: Case, by: User, days_ago: int, kind: str, note: str) -> None:
    Contact.objects.create(
        case=case,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        kind=kind,
        note=note,
        by=by,
        by_name=_name(by),
    )


def _residents(school: str, gemeente: Organisation, group: str | None = None) -> list[Pupil]:
    areas = gemeente.postcodes.values_list("postcode", flat=True)
    pupils = Pupil.objects.filter(school__code=school, school_year=current_school_year()).order_by("pk")
    if group:
        pupils = pupils.filter(group__name=group)
    return [p for p in pupils if p.postcode[:4] in set(areas)]


@transaction.atomic
def seed_gemeente() -> int:
    created = _move_some_pupils()
    denhaag, delft = Organisation.objects.get(code="GM0518"), Organisation.objects.get(code="GM0503")
    for gemeente in (denhaag, delft):
        if not gemeente.overstap_email:
            gemeente.overstap_email = f"deoverstap@{gemeente.code.lower()}.demo.voroc.nl"
            gemeente.save(update_fields=["overstap_email"])
    if not (Case.objects.exists() or Remark.objects.exists()):
        created += _reports_and_remarks(denhaag, delft)
    return created + _former_with_definitieve_keuze()


def _reports_and_remarks(denhaag: Organisation, delft: Organisation) -> int:
    users = {u.username: u for u in User.objects.filter(username__in=_DEMO_USERS)}
    vo1_dh = _residents("00AA", denhaag, "4A")
    vo1_dh_other = _residents("00AA", denhaag, "4C")
    vo2_delft = _residents("00BB", delft)
    vo1_delft = _residents("00AA", delft)
    vo2_dh = _residents("00BB", denhaag)
    officer_dh, officer_delft = users["gemeente.denhaag"], users["gemeente.delft"]
    cases = [
        _case(
            CaseKind.OVERSTAP,
            vo1_dh[0],
            denhaag,
            users["mentor.vo1"],
            3,
            remark="Haalt het diploma waarschijnlijk, maar heeft nog geen idee welke opleiding; thuis weinig steun.",
        ),
        _case(
            CaseKind.OVERSTAP,
            vo1_dh[1],
            denhaag,
            users["decaan.vo1"],
            20,
            remark="Twijfelt tussen werken en verder leren.",
            steps=[(4, CaseStatus.IN_BEHANDELING, "", officer_dh)],
        ),
        _case(
            CaseKind.OVERSTAP,
            vo1_dh_other[0],
            denhaag,
            users["decaan.vo1"],
            60,
            remark="Heeft zich nergens aangemeld.",
            steps=[
                (2, CaseStatus.IN_BEHANDELING, "", officer_dh),
                (30, CaseStatus.AFGESLOTEN, Outcome.GEPLAATST_MBO, officer_dh),
            ],
        ),
        _case(
            CaseKind.RISICO,
            vo1_dh_other[1],
            denhaag,
            users["zorg.vo1"],
            10,
            reason=RiskReason.VERZUIM,
            remark="Sinds de herfstvakantie veel afwezig.",
        ),
        _case(
            CaseKind.RISICO,
            vo1_dh[2],
            denhaag,
            users["mentor.vo1"],
            35,
            reason=RiskReason.MOTIVATIE,
            steps=[(5, CaseStatus.IN_BEHANDELING, "", officer_dh)],
        ),
        _case(
            CaseKind.OVERSTAP, vo2_delft[0], delft, users["decaan.vo2"], 6, remark="Wil graag naar de entree-opleiding."
        ),
        _case(
            CaseKind.RISICO,
            vo2_delft[1],
            delft,
            users["decaan.vo2"],
            50,
            reason=RiskReason.THUISSITUATIE,
            steps=[
                (3, CaseStatus.IN_BEHANDELING, "", officer_delft),
                (25, CaseStatus.AFGESLOTEN, Outcome.GEEN_CONTACT, officer_delft),
            ],
        ),
        _case(
            CaseKind.OVERSTAP,
            vo1_delft[0],
            delft,
            users["decaan.vo1"],
            8,
            remark="Woont in Delft, zit bij ons op school; zoekt een BBL-plek.",
            steps=[(2, CaseStatus.IN_BEHANDELING, "", officer_delft)],
        ),
    ]
    _contact(cases[1], officer_dh, 14, ContactKind.TELEFOON, "Moeder gebeld; gesprek gepland.")
    _contact(cases[2], officer_dh, 55, ContactKind.GESPREK, "Gesprek op school met leerling en mentor.")
    _contact(cases[2], officer_dh, 35, ContactKind.TELEFOON, "Aangemeld bij MBO1, intake volgende week.")
    _contact(cases[4], officer_dh, 28, ContactKind.HUISBEZOEK, "Niemand thuis; brief achtergelaten.")
    _contact(cases[6], officer_delft, 45, ContactKind.BRIEF, "Uitnodiging voor een gesprek gestuurd.")
    _contact(cases[7], officer_delft, 5, ContactKind.GESPREK, "Samen vacatures voor BBL bekeken.")
    remarks = [
        (vo1_dh[0], officer_dh, "Bekend bij leerplicht; broer volgt ook een traject bij De Overstap."),
        (vo1_dh_other[1], officer_dh, "Gesprek met ouders gepland op 12 december."),
        (vo2_dh[0], officer_dh, "Woont sinds september in Den Haag; let op de nieuwe postcode."),
        (vo2_delft[1], officer_delft, "Dossier overgedragen aan het RMC-team."),
    ]
    for pupil, by, text in remarks:
        Remark.objects.create(pupil=pupil, gemeente=by.organisation, author=by, author_name=_name(by), text=text)
        notify(
            organisation=pupil.school,
            kind=MeldingKind.GEMEENTE,
            pupil=pupil,
            link=f"/leerlingen/{pupil.pk}/#gemeente",
            text=f"{by.organisation.name} schreef een opmerking over {pupil.full_name}.",
        )
    return len(cases) + len(remarks)


_DEMO_USERS = [
    "gemeente.denhaag",
    "gemeente.delft",
    "mentor.vo1",
    "decaan.vo1",
    "zorg.vo1",
    "decaan.vo2",
]


def _former_with_definitieve_keuze() -> int:
    """Last school year's pupils of VO1 with a definitieve keuze at MBO1, so that the mbo-school can report one as niet
    verschenen (Aanmeldingen, Vorig schooljaar); one is reported already."""
    import dataclasses
    import random

    from students.aanmeldingen import add_aanmelding
    from students.demo_data import generate_bsns, generate_pupils
    from students.models import Opleiding, Source, Status

    school, mbo = Organisation.objects.get(code="00AA"), Organisation.objects.get(code="25AA")
    year = current_school_year() - 1
    if Pupil.objects.filter(school=school, school_year=year).exists():
        return 0
    rng = random.Random(2025)  # noqa: S311 - demo data from a fixed seed
    areas = [str(p) for p in range(2491, 2600)]
    people = generate_pupils(rng, 4, postcode_areas=areas, woonplaats="Den Haag", school_year=year)
    opleidingen = list(Opleiding.objects.filter(school=mbo).order_by("pk")[:4])
    created = 0
    for person, bsn, opleiding in zip(people, generate_bsns(rng, 4), opleidingen, strict=False):
        pupil = Pupil(school=school, school_year=year, source=Source.SCHOOL, **dataclasses.asdict(person))
        pupil.set_bsn(bsn)
        pupil.full_clean(validate_unique=False, validate_constraints=False)
        pupil.save()
        add_aanmelding(pupil=pupil, opleiding=opleiding, status=Status.DEFINITIEF, source="feed")
        created += 2
    first = Pupil.objects.filter(school=school, school_year=year).order_by("pk").first()
    roc = User.objects.filter(organisation=mbo).first()
    if first is not None and roc is not None:
        gemeente = Organisation.objects.get(code="GM0518")
        _case(CaseKind.NIET_VERSCHENEN, first, gemeente, roc, 2, remark="Niet op de introductiedag en niet bereikbaar.")
        Case.objects.filter(kind=CaseKind.NIET_VERSCHENEN, pupil=first).update(aanmelding=first.aanmeldingen.first())
        created += 1
    return created
