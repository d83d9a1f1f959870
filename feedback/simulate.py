"""A realistic day of feeds for the connected (demo) mbo-schools, written as the school's own system would.

Per connected mbo-school one file with, as a school sends it every day, the state of every aanmelding it
holds (from VOROC's aanmeldingen of that school, so yesterday's import counts): most unchanged, some moved
one step forward today, some with an older history line again; a few new aanmeldingen of pupils who had
none yet, a few pupils VOROC does not know (unknown BSNs), and a few bad rows (elfproef, status, date,
crebo). Statuses are written as the feed's codes, Dutch labels or VVA words, mixed.

The files hold BSNs in plain text, as a real feed does: they are demo data for the demo region only. Keep
them out of version control and delete them after use.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from students import bsn as bsn_crypto
from students.demo_data import generate_bsns
from students.models import Aanmelding, Opleiding, Pupil, Status
from students.schoolyear import current_school_year

from .parser import KNOWN

CODES = {
    Status.NIET_INGESCHREVEN: "NIET_INGESCHREVEN",
    Status.ONTVANGSTBEVESTIGING: "ONTVANGSTBEVESTIGING",
    Status.INTAKE: "INTAKE",
    Status.INTAKE_GEANNULEERD: "INTAKE_GEANNULEERD",
    Status.NEGATIEF_BESLUIT: "NEGATIEF_BESLUIT",
    Status.POSITIEF_BESLUIT: "POSITIEF_BESLUIT",
    Status.DEFINITIEF: "DEFINITIEF",
}
VVA = {
    Status.ONTVANGSTBEVESTIGING: "aanmelding ontvangen",
    Status.POSITIEF_BESLUIT: "onderwijsovereenkomst aangeboden",
    Status.NEGATIEF_BESLUIT: "leidt niet tot inschrijving",
    Status.INTAKE_GEANNULEERD: "ingetrokken",
    Status.DEFINITIEF: "ingeschreven",
}
LABELS = {
    Status.INTAKE: "Intakegesprek",
    Status.POSITIEF_BESLUIT: "Positief plaatsingsbesluit",
    Status.ONTVANGSTBEVESTIGING: "Ontvangstbevestiging inschrijving",
}


@dataclass
class SimulatedDay:
    school: Organisation
    path: Path
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.kinds.values())


def _next(status: int, rng: random.Random) -> int | None:
    if status == Status.NIET_INGESCHREVEN:
        return Status.ONTVANGSTBEVESTIGING
    if status == Status.ONTVANGSTBEVESTIGING:
        return Status.INTAKE
    if status == Status.INTAKE:
        return rng.choices([Status.POSITIEF_BESLUIT, Status.NEGATIEF_BESLUIT, Status.INTAKE_GEANNULEERD], [70, 15, 15])[
            0
        ]
    if status == Status.POSITIEF_BESLUIT:
        return Status.DEFINITIEF
    return None  # cancelled, refused and final stay as they are


def _word(status: int, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15 and status in VVA:
        return VVA[Status(status)]
    if roll < 0.25 and status in LABELS:
        return LABELS[Status(status)]
    return CODES[Status(status)]


def _moment(at: datetime.datetime) -> str:
    return timezone.localtime(at).replace(microsecond=0).isoformat()


def simulate(
    *, out: Path, day: datetime.date | None = None, seed: int | None = None, fmt: str = "csv"
) -> list[SimulatedDay]:
    day = day or timezone.localdate()
    days = []
    for school in Organisation.objects.filter(kind=OrganisationKind.MBO_SCHOOL, connected=True).order_by("code"):
        rng = random.Random(seed if seed is not None else f"{school.code}-{day.isoformat()}")  # noqa: S311 (demo data)
        result = SimulatedDay(school, out / school.code / f"terugkoppeling-{school.code}-{day.isoformat()}.{fmt}")
        rows = _rows(school, day, rng, result.kinds)
        result.path.parent.mkdir(parents=True, exist_ok=True)
        result.path.write_bytes(_encode(rows, fmt))
        days.append(result)
    return days


def _rows(school: Organisation, day: datetime.date, rng: random.Random, kinds: dict[str, int]) -> list[dict]:
    def count(kind: str) -> None:
        kinds[kind] = kinds.get(kind, 0) + 1

    rows: list[dict] = []
    working_hours = [datetime.time(h, m) for h in range(8, 17) for m in (0, 15, 30, 45)]

    def today_at() -> str:
        moment = timezone.make_aware(datetime.datetime.combine(day, rng.choice(working_hours)))
        return _moment(min(moment, timezone.now()))

    aanmeldingen = (
        Aanmelding.objects.filter(mbo_school=school)
        .exclude(pupil__bsn_encrypted="")
        .select_related("pupil", "opleiding", "location")
        .prefetch_related("history", "opleiding__locations")
        .order_by("pk")
    )
    for aanmelding in aanmeldingen:
        pupil, opleiding = aanmelding.pupil, aanmelding.opleiding
        location = aanmelding.location or next(iter(opleiding.locations.all()), None)
        base = {
            "aanmelding_id": aanmelding.external_id or f"{school.code}-{aanmelding.pk:06d}",
            "bsn": bsn_crypto.decrypt(pupil.bsn_encrypted),
            "crebo": opleiding.crebo,
            "opleiding": opleiding.name,
            "niveau": opleiding.niveau,
            "leerweg": opleiding.leerweg,
            "locatie": location.name if location else "",
            "cohort": pupil.school_year + 1,
        }
        history = list(aanmelding.history.all())
        if len(history) > 1 and rng.random() < 0.1:
            first = history[0]
            rows.append({**base, "status": _word(first.status, rng), "status_datum": _moment(first.at)})
            count("older")
        step = _next(aanmelding.status, rng) if rng.random() < 0.2 else None
        if step is not None:
            rows.append({**base, "status": _word(step, rng), "status_datum": today_at()})
            count("moved")
        else:
            rows.append(
                {**base, "status": _word(aanmelding.status, rng), "status_datum": _moment(aanmelding.status_at)}
            )
            count("current")

    # Pupils who applied today and had no aanmelding at this school yet.
    applied = Aanmelding.objects.filter(mbo_school=school).values("pupil_id")
    newcomers = list(
        Pupil.objects.exclude(bsn_encrypted="")
        .exclude(pk__in=applied)
        .filter(school_year=current_school_year())
        .order_by("pk")
    )
    offers = list(Opleiding.objects.filter(school=school, active=True).prefetch_related("locations").order_by("pk"))
    chosen = rng.sample(newcomers, k=min(len(newcomers), max(1, len(newcomers) // 15))) if offers else []
    for n, pupil in enumerate(chosen):
        opleiding = rng.choice(offers)
        location = next(iter(opleiding.locations.all()), None)
        rows.append(
            {
                "aanmelding_id": f"{school.code}-N{day:%m%d}{n:03d}",
                "bsn": bsn_crypto.decrypt(pupil.bsn_encrypted),
                "crebo": opleiding.crebo,
                "opleiding": opleiding.name,
                "niveau": opleiding.niveau,
                "leerweg": opleiding.leerweg,
                "locatie": location.name if location else "",
                "cohort": pupil.school_year + 1,
                "status": _word(Status.ONTVANGSTBEVESTIGING, rng),
                "status_datum": today_at(),
            }
        )
        count("new")

    # Pupils VOROC does not know (yet), the same ones every day: their rows wait for a school to add them.
    known = set(Pupil.objects.exclude(bsn_index=None).values_list("bsn_index", flat=True))
    stable = random.Random(f"{school.code}-unknown")  # noqa: S311 (demo data)
    unknown = [b for b in generate_bsns(stable, 4) if bsn_crypto.blind_index(b) not in known] if offers else []
    for n, number in enumerate(unknown):
        opleiding = rng.choice(offers)
        rows.append(
            {
                "aanmelding_id": f"{school.code}-U{n:03d}",
                "bsn": number,
                "crebo": opleiding.crebo,
                "opleiding": opleiding.name,
                "niveau": opleiding.niveau,
                "leerweg": opleiding.leerweg,
                "status": "aangemeld",
                "status_datum": today_at(),
            }
        )
        count("unknown")

    # What goes wrong in real exports now and then.
    if offers:
        template = {
            "crebo": offers[0].crebo,
            "leerweg": offers[0].leerweg,
            "status": "INTAKE",
            "status_datum": today_at(),
        }
        bad_bsn = generate_bsns(rng, 1)[0]
        bad_bsn = bad_bsn[:-1] + str((int(bad_bsn[-1]) + 1) % 10)  # one digit off: fails the elfproef
        good_bsn = unknown[0] if unknown else generate_bsns(rng, 1)[0]
        for n, bad in enumerate(
            [
                {"bsn": bad_bsn},
                {"bsn": good_bsn, "status": "Geplaatst"},
                {"bsn": good_bsn, "status_datum": f"{day:%d-%m-%Y}"},
                {"bsn": good_bsn, "crebo": ""},
            ]
        ):
            rows.append({**template, "aanmelding_id": f"{school.code}-F{n:03d}", **bad})
            count("bad")
    rng.shuffle(rows)
    return rows


def _encode(rows: list[dict], fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"rows": rows}, ensure_ascii=False, indent=1).encode()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")  # what Dutch Excel writes
    writer.writerow(KNOWN)
    for row in rows:
        writer.writerow([row.get(column, "") for column in KNOWN])
    return b"\xef\xbb\xbf" + out.getvalue().encode()
