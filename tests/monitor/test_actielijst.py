"""Actielijst: the rules (data per region) at dates around 1 April and after the exams, each line with its reason;
the rule files are checked when read."""

import datetime
import zoneinfo
from pathlib import Path

import pytest
import time_machine

from gemeente.models import CaseKind, Contact
from monitor.actions import RULES_DIR, RuleError, load_rules
from students.aanmeldingen import add_aanmelding
from students.models import Status
from tests.conftest import login_as
from tests.factories import CaseFactory, OpleidingFactory

from .conftest import DEN_HAAG

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(year: int, month: int, day: int):
    return time_machine.travel(datetime.datetime(year, month, day, 9, 0, tzinfo=AMS), tick=False)


def sections(client, user) -> dict[str, tuple[str, list[str]]]:
    """figure → (reason, the names on its lines), as the page shows them."""
    login_as(client, user)
    response = client.get("/monitor/actielijst/")
    assert response.status_code == 200
    return {
        s.rule.figure: (s.reason, [getattr(r, "pupil", r).sort_name for r in s.rows])
        for s in response.context["sections"]
    }


def test_the_decaan_before_and_after_1_april(client, demo, orgs, resident):
    opleiding = OpleidingFactory(school=orgs["25AA"])
    without, applied = resident("00AA", DEN_HAAG), resident("00AA", DEN_HAAG)
    add_aanmelding(source="feed", pupil=applied, opleiding=opleiding)
    with at(2027, 1, 10):  # before the six weeks: not yet on the list for its aanmelding
        assert "geen_aanmelding" not in sections(client, demo["decaan.vo1"])
    with at(2027, 3, 11):
        reason, names = sections(client, demo["decaan.vo1"])["geen_aanmelding"]
        assert reason == "Geen aanmelding: nog 3 weken tot 1 april 2027"
        assert names == [without.sort_name]
        assert "geen_aanmelding" in sections(client, demo["mentor.vo1"])  # the mentor, over their group
        assert "geen_aanmelding" not in sections(client, demo["decaan.vo2"])  # another school: not its pupil
    with at(2027, 4, 2):
        reason, names = sections(client, demo["decaan.vo1"])["geen_aanmelding"]
        assert reason == "Geen aanmelding, terwijl de aanmelddatum (1 april 2027) voorbij is"
        assert names == [without.sort_name]


def test_a_negative_besluit_without_another_aanmelding(client, demo, orgs, resident):
    opleiding, other = OpleidingFactory(school=orgs["25AA"]), OpleidingFactory(school=orgs["25AA"])
    rejected, retried = resident("00AA", DEN_HAAG), resident("00AA", DEN_HAAG)
    add_aanmelding(source="feed", pupil=rejected, opleiding=opleiding, status=Status.NEGATIEF_BESLUIT)
    add_aanmelding(source="feed", pupil=retried, opleiding=opleiding, status=Status.NEGATIEF_BESLUIT)
    add_aanmelding(source="feed", pupil=retried, opleiding=other, status=Status.INTAKE)
    with at(2027, 6, 3):
        reason, names = sections(client, demo["decaan.vo1"])["bestemming_negatief"]
    assert reason == "Negatief besluit of geannuleerde intake, en geen andere aanmelding"
    assert names == [rejected.sort_name]


def test_the_gemeente_after_the_exams_until_contact(client, demo, orgs, resident):
    opleiding = OpleidingFactory(school=orgs["25AA"])
    placed, open_pupil = resident("00AA", DEN_HAAG), resident("00BB", DEN_HAAG)
    add_aanmelding(source="feed", pupil=placed, opleiding=opleiding, status=Status.DEFINITIEF)
    with at(2027, 5, 20):  # before the exams: no such line
        assert "zonder_bestemming_geen_contact" not in sections(client, demo["gemeente.denhaag"])
    with at(2027, 6, 20):
        reason, names = sections(client, demo["gemeente.denhaag"])["zonder_bestemming_geen_contact"]
        assert reason == "Zonder schoolbestemming, nog geen contact"
        assert names == [open_pupil.sort_name]
        case = CaseFactory(pupil=open_pupil, gemeente=orgs["GM0518"], kind=CaseKind.RISICO)
        Contact.objects.create(case=case, date=datetime.date(2027, 6, 19), kind="telefoon", by_name="Leerplicht")
        found = sections(client, demo["gemeente.denhaag"])
        assert "zonder_bestemming_geen_contact" not in found
        assert found["risico_open"][1] == [open_pupil.sort_name]
        assert "zonder_bestemming_geen_contact" not in sections(client, demo["gemeente.delft"])


def test_last_years_leavers_stay_on_the_list_until_october(client, demo, orgs, resident):
    """In September the school year has turned: last year's pupil without a place is still the gemeente's."""
    from students.models import Pupil

    pupil = resident("00AA", DEN_HAAG)
    with at(2027, 9, 14):
        Pupil.objects.filter(pk=pupil.pk).update(school_year=2026)
        from students.schoolyear import forget_current_school_year

        forget_current_school_year()
        reason, names = sections(client, demo["gemeente.denhaag"])["zonder_bestemming_geen_contact"]
        assert names == [pupil.sort_name]
    with at(2027, 10, 2):
        forget_current_school_year()
        assert "zonder_bestemming_geen_contact" not in sections(client, demo["gemeente.denhaag"])
    forget_current_school_year()


def test_the_mbo_before_1_june(client, demo, orgs, resident):
    opleiding = OpleidingFactory(school=orgs["25AA"])
    waiting, decided = resident("00AA", DEN_HAAG), resident("00AA", DEN_HAAG)
    add_aanmelding(source="feed", pupil=waiting, opleiding=opleiding, status=Status.INTAKE)
    add_aanmelding(source="feed", pupil=decided, opleiding=opleiding, status=Status.POSITIEF_BESLUIT)
    with at(2027, 5, 18):
        reason, names = sections(client, demo["roc.mbo1"])["aanmelding_geen_besluit"]
    assert reason == "Nog geen besluit: terugkoppelen binnen 2 weken (vóór 1 juni 2027)"
    assert names == [waiting.sort_name]


def test_every_rule_file_is_valid_and_a_wrong_rule_is_refused(tmp_path: Path):
    for path in RULES_DIR.glob("*.toml"):
        assert load_rules(path), path.name
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        '[[rule]]\nfor = ["mbo"]\nfigure = "geen_aanmelding"\nfrom = "start"\nuntil = "einde"\nreason = "x"\n'
    )
    with pytest.raises(RuleError, match="bestaat niet"):
        load_rules(wrong)
    wrong.write_text(
        '[[rule]]\nfor = ["school"]\nfigure = "geen_aanmelding"\nfrom = "pasen"\nuntil = "einde"\nreason = "x"\n'
    )
    with pytest.raises(RuleError, match="onbekende datum"):
        load_rules(wrong)
