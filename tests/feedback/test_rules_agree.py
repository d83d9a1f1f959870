"""The bulk path (engine.py, chunks with a fixed number of queries) and the one-row path (rowwise.py, through
students.aanmeldingen and notifications.services) give the same aanmeldingen, history, meldingen and
outcomes for the same rows: generated days with every rule in them, over two deliveries."""

import datetime
import random

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from feedback import engine, rowwise
from feedback.parser import parse
from feedback.services import chunks
from notifications.models import Melding
from students.aanmeldingen import add_aanmelding, record_status
from students.models import Aanmelding, Location, Opleiding, Status, StatusChange, StatusSource
from students.schoolyear import current_school_year
from tests.factories import OpleidingFactory, OrganisationFactory, PupilFactory, valid_bsn

from .conftest import feed_csv

pytestmark = pytest.mark.django_db

STATUS_WORDS = [
    "ONTVANGSTBEVESTIGING",
    "intake",
    "Positief plaatsingsbesluit",
    "NEGATIEF_BESLUIT",
    "ingeschreven",
    "ingetrokken",
    "aangemeld",
]


class _Undo(Exception):
    pass


def world(mbo: Organisation, rng: random.Random):
    """Pupils (one BSN at two schools, one in two school years), a catalogue, aanmeldingen from before."""
    year = current_school_year()
    vo, other_vo = OrganisationFactory(name="VO A"), OrganisationFactory(name="VO B")
    pupils = [PupilFactory(school=vo, bsn=valid_bsn(3000 + n), achternaam=f"Agree{n:02d}") for n in range(30)]
    PupilFactory(school=other_vo, bsn=valid_bsn(3000), school_year=year, achternaam="Verhuisd")  # same BSN, added later
    PupilFactory(
        school=OrganisationFactory(name="VO C"), bsn=valid_bsn(3001), school_year=year - 1, achternaam="Vorigjaar"
    )
    opleidingen = [
        OpleidingFactory(school=mbo, crebo=crebo, leerweg=leerweg, name=f"Opleiding {crebo} {leerweg}")
        for crebo, leerweg in [("25100", "BOL"), ("25100", "BBL"), ("25200", "BOL"), ("25300", "BBL"), ("25400", "BOL")]
    ]
    Location.objects.create(school=mbo, name="Campus Noord")
    # Entered by hand before the school was connected (no id yet), and fed earlier (with an id).
    mbo.connected = False
    mbo.save()
    for pupil in pupils[20:24]:
        add_aanmelding(pupil=pupil, opleiding=opleidingen[2], status=Status.ONTVANGSTBEVESTIGING, at=moment(rng, 1))
    mbo.connected = True
    mbo.save()
    for n, pupil in enumerate(pupils[24:28]):
        fed = add_aanmelding(
            pupil=pupil,
            opleiding=opleidingen[0],
            status=Status.INTAKE,
            at=moment(rng, 5),
            source=StatusSource.FEED,
            external_id=f"OUD-{n}",
        )
        record_status(aanmelding=fed, status=Status.POSITIEF_BESLUIT, at=moment(rng, 20), source=StatusSource.FEED)
    return pupils


def moment(rng: random.Random, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 10, day, rng.choice([9, 12, 15]), rng.choice([0, 30])))


def deliveries(rng: random.Random, pupils) -> list[bytes]:
    rows = []
    bsns = [p.bsn_for_test for p in pupils]
    for n in range(120):
        who = rng.randrange(len(pupils) + 4)
        bsn = bsns[who] if who < len(pupils) else valid_bsn(8000 + who)  # a few nobody in VOROC has
        aanmelding_id = rng.choice(
            [f"MB-{who}-{rng.randrange(3)}", f"OUD-{rng.randrange(4)}", f"MB-{rng.randrange(40)}-0"]
        )
        crebo, leerweg = rng.choice(
            [
                ("25100", "BOL"),
                ("25100", "BBL"),
                ("25100", ""),
                ("25200", "BOL"),
                ("25300", ""),
                ("25400", "BOL"),
                ("25900", "BOL"),
                ("25901", ""),
            ]
        )
        rows.append(
            {
                "aanmelding_id": aanmelding_id,
                "bsn": bsn,
                "crebo": crebo,
                "leerweg": leerweg,
                "niveau": rng.choice(["", "2", "4"]),
                "opleiding": rng.choice(["", "Nieuwe opleiding"]),
                "locatie": rng.choice(["", "", "Campus Noord", "campus noord", "Locatie Zuid"]),
                "cohort": rng.choice(["", "2027"]),
                "status": rng.choice(STATUS_WORDS),
                "status_datum": moment(rng, rng.randint(1, 28)).isoformat(),
            }
        )
        if n % 9 == 0:
            rows.append(dict(rows[-1]))  # the same line twice
    # A pupil with three aanmeldingen at the school (one more than the procedure allows).
    for n, crebo in enumerate(("25200", "25300", "25400")):
        day = moment(rng, 3 + n).isoformat()
        rows.append(
            {"aanmelding_id": f"DRIE-{n}", "bsn": bsns[5], "crebo": crebo, "status": "aangemeld", "status_datum": day}
        )
    # Two statuses at the same moment: the later line wins, and its locatie counts.
    same = moment(rng, 12).isoformat()
    rows.append({"aanmelding_id": "GELIJK", "bsn": bsns[7], "crebo": "25400", "status": "intake", "status_datum": same})
    rows.append(
        {
            "aanmelding_id": "GELIJK",
            "bsn": bsns[7],
            "crebo": "25400",
            "status": "aangemeld",
            "status_datum": same,
            "locatie": "Campus Noord",
        }
    )
    # An opleiding VOROC does not know, without the niveau to create it.
    rows.append(
        {
            "aanmelding_id": "ZONDER-NIVEAU",
            "bsn": bsns[6],
            "crebo": "25950",
            "leerweg": "BOL",
            "status": "intake",
            "status_datum": day,
        }
    )
    second = [dict(r) for r in rng.sample(rows, 60)]  # the next day: many again, some moved on, older ones
    for r in second[:20]:
        r["status"], r["status_datum"] = rng.choice(STATUS_WORDS), moment(rng, rng.randint(1, 30)).isoformat()
    # The first day's file again, most lines as they were (on PostgreSQL the bulk path finds those set-based),
    # some with a small difference that does or does not count: the locatie in other capitals or new, another
    # cohort, no leerweg, another BSN, an older moment.
    third = []
    for r in rows:
        r = dict(r)
        change = rng.randrange(10)
        if change == 0:
            r["locatie"] = r.get("locatie", "").upper() or "CAMPUS NOORD"
        elif change == 1:
            r["locatie"] = "Campus West"
        elif change == 2:
            r["cohort"] = "2028"
        elif change == 3:
            r["leerweg"] = ""
        elif change == 4:
            r["bsn"] = rng.choice(bsns)
        elif change == 5:
            r["status_datum"] = moment(rng, 1).isoformat()
        third.append(r)
    return [feed_csv(rows), feed_csv(second), feed_csv(third)]


def snapshot(mbo) -> dict:
    def identity(a):
        return (a["external_id"] or "", a["pupil_id"], a["opleiding__crebo"], a["opleiding__leerweg"], a["school_year"])

    aanmeldingen = sorted(
        (identity(a), a["location__name"] or "", a["cohort"] or 0, a["status"], a["status_at"])
        for a in Aanmelding.objects.values(
            "external_id",
            "pupil_id",
            "opleiding__crebo",
            "opleiding__leerweg",
            "school_year",
            "location__name",
            "cohort",
            "status",
            "status_at",
        )
    )
    history = sorted(
        (c["aanmelding__external_id"] or "", c["aanmelding__pupil_id"], c["status"], c["at"], c["source"], c["note"])
        for c in StatusChange.objects.values(
            "aanmelding__external_id", "aanmelding__pupil_id", "status", "at", "source", "note"
        )
    )
    meldingen = sorted(Melding.objects.values_list("organisation_id", "pupil_id", "kind", "text", "link"))
    opleidingen = sorted(Opleiding.objects.filter(school=mbo).values_list("crebo", "leerweg", "name", "niveau"))
    locations = sorted(Location.objects.filter(school=mbo).values_list("name", flat=True))
    return {
        "aanmeldingen": aanmeldingen,
        "history": history,
        "meldingen": meldingen,
        "opleidingen": opleidingen,
        "locations": locations,
    }


def run(path: str, mbo, files: list[bytes]) -> tuple[dict, list]:
    outcomes = []
    try:
        with transaction.atomic():
            for number, data in enumerate(files, start=1):
                rows = sorted(parse(data, "csv").rows, key=lambda r: r.sort_key)
                if path == "bulk":
                    results = [
                        r
                        for piece in chunks(rows, 7)
                        for r in engine.apply_chunk(school=mbo, rows=piece, batch_id=number).results
                    ]
                else:
                    results = rowwise.apply_rows(school=mbo, rows=rows, batch_id=number)
                outcomes += [(number, r.row.line, r.outcome, r.field, r.reason, r.warning, r.pupil_id) for r in results]
            state = snapshot(mbo)
            raise _Undo
    except _Undo:
        pass
    return state, outcomes


@pytest.mark.parametrize("seed", [7, 2026])
def test_bulk_and_one_row_paths_agree(seed):
    mbo = OrganisationFactory(kind="mbo", code="25ZZ", name="ROC Gelijk", connected=True)
    rng = random.Random(seed)
    pupils = world(mbo, rng)
    for n, pupil in enumerate(pupils):
        pupil.bsn_for_test = valid_bsn(3000 + n)
    files = deliveries(rng, pupils)
    before = snapshot(mbo)
    bulk_state, bulk_outcomes = run("bulk", mbo, files)
    assert snapshot(mbo) == before  # undone
    rowwise_state, rowwise_outcomes = run("rowwise", mbo, files)
    assert bulk_outcomes == rowwise_outcomes
    for part in bulk_state:
        assert bulk_state[part] == rowwise_state[part], part
    # The days hold every kind of row, so the comparison is about something.
    kinds = {o[2] for o in bulk_outcomes}
    assert kinds == {"new", "updated", "unchanged", "unmatched", "waiting", "rejected"}
    assert {o[3] for o in bulk_outcomes if o[2] == "rejected"} >= {"bsn", "crebo", "leerweg"}
    assert {o[3] for o in bulk_outcomes if o[2] == "waiting"} == {"crebo"}  # 25900, 25901: not in the catalogue
    assert any(o[5] for o in bulk_outcomes)  # a third aanmelding's warning
    assert len(bulk_state["meldingen"]) > len(before["meldingen"]) + 10
    assert bulk_state["opleidingen"] == before["opleidingen"]  # a row never adds to the catalogue
