"""The load generator's meldingen, the gemeente's cases and remarks, and verzuimmeldingen."""

from __future__ import annotations

import datetime
import random

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role, User
from gemeente.models import (
    Case,
    CaseKind,
    CaseStatus,
    CaseStatusChange,
    Contact,
    ContactKind,
    Outcome,
    Remark,
    RiskReason,
)
from notifications.models import Melding, MeldingKind
from students.models import Aanmelding, Pupil, Status
from verzuim.models import Locatie, Melder, Reden, Soort, VerzuimMelding
from verzuim.models import Status as VerzuimStatus
from verzuim.models import StatusChange as VerzuimStatusChange
from verzuim.services import reserve_numbers

from .region import BATCH, Scene, name_of

# --- meldingen ---------------------------------------------------------------------------------------------------


def add_meldingen(scene: Scene, rows: list[Melding], dates: list) -> None:
    """Meldingen in bulk, dated (``created_at`` is set on insert, so the dates follow in an update)."""
    Melding.objects.bulk_create(rows, batch_size=BATCH)
    for melding, at in zip(rows, dates, strict=True):
        melding.created_at = at or scene.now
    if connection.vendor != "postgresql":
        Melding.objects.bulk_update(rows, ["created_at"], batch_size=1000)
    else:  # one UPDATE per batch from a VALUES list: bulk_update's CASE per row takes ten times as long
        table = Melding._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                values = ", ".join(["(%s, %s::timestamptz)"] * len(batch))
                cursor.execute(
                    f"UPDATE {table} SET created_at = v.at FROM (VALUES {values}) AS v(id, at) "  # noqa: S608
                    f"WHERE {table}.id = v.id",
                    [x for m in batch for x in (m.pk, m.created_at)],
                )
    scene.counts["meldingen"] += len(rows)


def meldingen(scene: Scene) -> None:
    """A system melding per vo-school, and per aanmelding at a connected mbo-school this year a status melding for
    the pupil's school, dated on the status date."""
    rows = [
        Melding(
            organisation=school,
            kind=MeldingKind.SYSTEEM,
            text="VOROC is open voor het schooljaar. Controleer de leerlinggegevens en deel de leerlingen in groepen in.",
        )
        for school in scene.vo
    ]
    dates: list = [scene.now - datetime.timedelta(days=60)] * len(rows)
    fed = (
        Aanmelding.objects.filter(pupil_id__in=scene.pupil_ids.get(scene.year, []), mbo_school__connected=True)
        .select_related("pupil", "opleiding", "mbo_school")
        .order_by("pk")
    )
    for aanmelding in fed.iterator(chunk_size=BATCH):
        pupil = aanmelding.pupil
        rows.append(
            Melding(
                organisation_id=pupil.school_id,
                kind=MeldingKind.STATUS,
                text=f"Nieuwe status voor {pupil.full_name}: {aanmelding.get_status_display()} "
                f"({aanmelding.opleiding.name}, {aanmelding.mbo_school.name}).",
                pupil=pupil,
                link=reverse("students:leerling", args=[pupil.pk]),
            )
        )
        dates.append(aanmelding.status_at)
    add_meldingen(scene, rows, dates)


# --- the gemeente --------------------------------------------------------------------------------------------------


def gemeente(scene: Scene) -> None:
    """De Overstap (~1.5 %) and risicomeldingen (~1 %) of this year's pupils, niet verschenen for ~2 % of last year's
    pupils with a definitieve keuze; statuses with history, contacts, a melding for the gemeente; remarks (~1 %)."""
    rng = scene.rng("gemeente")
    this_year = list(
        Pupil.objects.filter(pk__in=scene.pupil_ids.get(scene.year, [])).only("pk", "postcode", "school_id", "voornaam",
                                                                              "tussenvoegsel", "achternaam")
    )  # fmt: skip
    rng.shuffle(this_year)
    school = {s.pk: s for s in scene.vo}
    overstap = this_year[: len(this_year) * 15 // 1000]
    risico = this_year[len(overstap) : len(overstap) + len(this_year) // 100]
    remarked = this_year[-max(1, len(this_year) // 100) :] if this_year else []
    cases, plans = [], []
    for kind, chosen in ((CaseKind.OVERSTAP, overstap), (CaseKind.RISICO, risico)):
        for pupil in chosen:
            g = scene.area_gemeente.get(pupil.postcode[:4])
            if g is None:
                continue
            by = scene.user(rng.choice([Role.DECAAN, Role.ZORGCOORDINATOR]), school[pupil.school_id])
            cases.append(_new_case(scene, rng, kind, pupil, g, by, scene.year))
            plans.append(g)
    former = list(
        Aanmelding.objects.filter(
            pupil_id__in=scene.pupil_ids.get(scene.year - 1, []), status=Status.DEFINITIEF, school_year=scene.year - 1
        )
        .select_related("pupil", "mbo_school")
        .order_by("pk")
    )
    seen: set[int] = set()
    for aanmelding in rng.sample(former, k=len(former) // 50):
        pupil = aanmelding.pupil
        g = scene.area_gemeente.get(pupil.postcode[:4])
        if g is None or pupil.pk in seen:
            continue
        seen.add(pupil.pk)
        by = scene.user(Role.ROC, aanmelding.mbo_school)
        case = _new_case(scene, rng, CaseKind.NIET_VERSCHENEN, pupil, g, by, scene.year - 1)
        case.aanmelding = aanmelding
        cases.append(case)
        plans.append(g)
    Case.objects.bulk_create(cases, batch_size=BATCH)
    history, contacts, melding_rows, dates = [], [], [], []
    for case, g in zip(cases, plans, strict=True):
        officer = scene.user(Role.GEMEENTE, g)
        reporter = case.reported_by
        assert reporter is not None  # made above with its reporter
        history.append(
            CaseStatusChange(
                case=case, status=CaseStatus.ONTVANGEN, at=case.reported_at, by=reporter, by_name=name_of(reporter)
            )  # fmt: skip
        )
        if case.status != CaseStatus.ONTVANGEN:
            at = case.reported_at + datetime.timedelta(days=2)
            history.append(CaseStatusChange(case=case, status=CaseStatus.IN_BEHANDELING, at=at, by=officer,
                                            by_name=name_of(officer)))  # fmt: skip
            contacts.append(
                Contact(
                    case=case,
                    date=timezone.localdate(at),
                    kind=rng.choice(ContactKind.values),
                    by=officer,
                    by_name=name_of(officer),
                    note="Contact gelegd met de leerling en de ouders.",
                )  # fmt: skip
            )
        if case.status == CaseStatus.AFGESLOTEN:
            history.append(CaseStatusChange(case=case, status=CaseStatus.AFGESLOTEN, outcome=case.outcome,
                                            at=case.status_at, by=officer, by_name=name_of(officer)))  # fmt: skip
        melding_rows.append(
            Melding(
                organisation=g,
                kind=MeldingKind.GEMEENTE,
                pupil_id=case.pupil_id,
                link=f"/gemeente/meldingen/{case.pk}/",
                text=f"{reporter.organisation.name} meldde {case.pupil.full_name}: {case.get_kind_display()}.",
            )  # fmt: skip
        )
        dates.append(case.reported_at)
    CaseStatusChange.objects.bulk_create(history, batch_size=BATCH)
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    remarks = []
    for pupil in remarked:
        g = scene.area_gemeente.get(pupil.postcode[:4])
        if g is None:
            continue
        officer = scene.user(Role.GEMEENTE, g)
        at = scene.now - datetime.timedelta(days=rng.randint(1, 60))
        remarks.append(Remark(pupil=pupil, gemeente=g, author=officer, author_name=name_of(officer), created_at=at,
                              text="Bekend bij leerplicht; gesprek met de ouders gepland."))  # fmt: skip
        melding_rows.append(
            Melding(
                organisation_id=pupil.school_id,
                kind=MeldingKind.GEMEENTE,
                pupil=pupil,
                link=f"/leerlingen/{pupil.pk}/#gemeente",
                text=f"{g.name} schreef een opmerking over {pupil.full_name}.",
            )  # fmt: skip
        )
        dates.append(at)
    Remark.objects.bulk_create(remarks, batch_size=BATCH)
    add_meldingen(scene, melding_rows, dates)
    for kind in CaseKind:
        scene.counts[f"gemeentemeldingen {kind.value}"] += sum(1 for c in cases if c.kind == kind)
    scene.counts["contactmomenten"] += len(contacts)
    scene.counts["opmerkingen"] += len(remarks)


def _new_case(scene: Scene, rng: random.Random, kind: str, pupil: Pupil, g: Organisation, by: User, year: int) -> Case:
    at = scene.now - datetime.timedelta(days=rng.randint(3, 90))
    status = rng.choices(list(CaseStatus), weights=[40, 35, 25])[0]
    closed = status == CaseStatus.AFGESLOTEN
    return Case(
        kind=kind,
        pupil=pupil,
        gemeente=g,
        reported_by_organisation=by.organisation,
        reported_by=by,
        reported_by_name=name_of(by),
        reported_at=at,
        status=status,
        status_at=at + datetime.timedelta(days=20 if closed else 2 if status != CaseStatus.ONTVANGEN else 0),
        outcome=rng.choice(Outcome.values) if closed else "",
        school_year=year,
        reason=rng.choice(RiskReason.values) if kind == CaseKind.RISICO else "",
        remark="Heeft ondersteuning nodig bij de overstap naar het mbo." if kind != CaseKind.RISICO else "",
    )


# --- verzuim -----------------------------------------------------------------------------------------------------

VERZUIM_PATHS: tuple[tuple[str, ...], ...] = (
    (),
    (VerzuimStatus.IN_BEHANDELING,),
    (VerzuimStatus.IN_BEHANDELING, VerzuimStatus.AFGESLOTEN),
    (VerzuimStatus.TER_KENNISGEVING,),
    (VerzuimStatus.INGETROKKEN,),
)


def verzuim(scene: Scene) -> None:
    """Two locaties and a melder per vo-school; verzuimmeldingen for ~2 % of this year's pupils, with their status
    history (the gemeente's steps by its user) and a melding for the gemeente."""
    rng = scene.rng("verzuim")
    have = set(Locatie.objects.filter(school__in=scene.vo).values_list("school_id", flat=True))
    Locatie.objects.bulk_create(
        [Locatie(school=s, name=n) for s in scene.vo if s.pk not in have for n in ("Hoofdgebouw", "Dependance")]
    )
    Melder.objects.bulk_create(
        [
            Melder(school=s, name="Verzuimcoördinator", functie="verzuimcoördinator")
            for s in scene.vo
            if s.pk not in have
        ]
    )
    locatie: dict[int, Locatie] = {}
    for row in Locatie.objects.filter(school__in=scene.vo).order_by("pk"):
        locatie.setdefault(row.school_id, row)
    ids = scene.pupil_ids.get(scene.year, [])
    chosen = sorted(rng.sample(ids, k=len(ids) // 50)) if ids else []
    pupils_by_id = Pupil.objects.in_bulk(chosen)
    school = {s.pk: s for s in scene.vo}
    rows, paths = [], []
    for pupil_id, number in zip(chosen, reserve_numbers(len(chosen)), strict=False):
        pupil = pupils_by_id[pupil_id]
        g = scene.area_gemeente.get(pupil.postcode[:4])
        if g is None:
            continue
        reporter = scene.user(Role.ZORGCOORDINATOR, school[pupil.school_id])
        soort, reden = rng.choice(Soort.values), rng.choice(Reden.values)
        begin = timezone.localdate(scene.now) - datetime.timedelta(days=rng.randint(10, 80))
        at = scene.now - datetime.timedelta(days=rng.randint(1, 9))
        path = rng.choice(VERZUIM_PATHS)
        last = at + datetime.timedelta(days=2 * len(path))
        rows.append(
            VerzuimMelding(
                meldingsnummer=number,
                pupil=pupil,
                school_id=pupil.school_id,
                gemeente=g,
                leerlingnummer=pupil.leerlingnummer,
                soort=soort,
                reden=reden,
                begin=begin,
                eind=begin + datetime.timedelta(days=rng.randint(5, 28))
                if soort in (Soort.ONGEOORLOOFD_16U, Soort.LUXE)
                else None,
                alle_lessen_gemist=soort != Soort.SIGNAAL,
                actie_gewenst=rng.random() < 0.5,
                locatie=locatie[pupil.school_id],
                melder_naam=name_of(reporter),
                melder_functie=reporter.get_role_display(),
                created_by=reporter,
                created_by_name=name_of(reporter),
                created_at=at,
                status=path[-1] if path else VerzuimStatus.GEREGISTREERD,
                status_at=last,
                closed_at=last if path and path[-1] != VerzuimStatus.IN_BEHANDELING else None,
            )  # fmt: skip
        )
        paths.append((path, g, reporter, at))
    VerzuimMelding.objects.bulk_create(rows, batch_size=BATCH)
    history, melding_rows, dates = [], [], []
    for melding, (path, g, reporter, at) in zip(rows, paths, strict=True):
        officer = scene.user(Role.GEMEENTE, g)
        history.append(VerzuimStatusChange(melding=melding, status=VerzuimStatus.GEREGISTREERD, at=at, by=reporter,
                                           by_name=name_of(reporter), organisation_id=melding.school_id))  # fmt: skip
        for step, status in enumerate(path, start=1):
            who = reporter if status == VerzuimStatus.INGETROKKEN else officer
            history.append(VerzuimStatusChange(melding=melding, status=status, at=at + datetime.timedelta(days=2 * step),
                                               by=who, by_name=name_of(who), organisation=who.organisation))  # fmt: skip
        melding_rows.append(
            Melding(
                organisation=g,
                kind=MeldingKind.VERZUIM,
                pupil_id=melding.pupil_id,
                text=f"Nieuwe verzuimmelding {melding.meldingsnummer} van {school[melding.school_id].name}.",
            )  # fmt: skip
        )
        dates.append(at)
    VerzuimStatusChange.objects.bulk_create(history, batch_size=BATCH)
    add_meldingen(scene, melding_rows, dates)
    scene.counts["verzuimmeldingen"] += len(rows)
