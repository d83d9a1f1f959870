"""Deterministic fake pupil data for the demo region (students.demo_data); no database needed."""

import datetime
import random
import re

import pytest

from students.bsn import passes_elfproef
from students.demo_data import (
    EMAIL_DOMAIN,
    FIRST_NAMES,
    STREETS,
    SURNAMES,
    TUSSENVOEGSELS,
    generate_bsns,
    generate_pupils,
    split_surname,
)

SCHOOL_YEAR = 2025
DELFT = [str(area) for area in range(2611, 2630)]


def _pupils(seed: int = 7, count: int = 500, areas: list[str] = DELFT):
    return generate_pupils(
        random.Random(seed), count, postcode_areas=areas, woonplaats="Delft", school_year=SCHOOL_YEAR
    )


@pytest.mark.parametrize("value", ["111222333", "123456782"])
def test_elfproef_accepts_valid_numbers(value):
    assert passes_elfproef(value)


@pytest.mark.parametrize("value", ["123456789", "000000000", "12345678", "1234567820", "12345678a", ""])
def test_elfproef_refuses_invalid_numbers(value):
    assert not passes_elfproef(value)


def test_generated_bsns_are_distinct_valid_and_nine_digits():
    bsns = generate_bsns(random.Random(1), 2000)
    assert len(bsns) == 2000
    assert len(set(bsns)) == 2000
    assert all(re.fullmatch(r"[0-9]{9}", bsn) for bsn in bsns)
    assert all(passes_elfproef(bsn) for bsn in bsns)
    assert any(bsn.startswith("0") for bsn in bsns)  # leading zeros are allowed


def test_generated_bsns_respect_exclude():
    excluded = set(generate_bsns(random.Random(3), 50))
    # Same seed: without `exclude` the same numbers would come out again.
    bsns = generate_bsns(random.Random(3), 50, exclude=excluded)
    assert len(set(bsns)) == 50
    assert not excluded & set(bsns)


def test_generated_bsns_are_deterministic():
    assert generate_bsns(random.Random(5), 100) == generate_bsns(random.Random(5), 100)
    assert generate_bsns(random.Random(5), 100) != generate_bsns(random.Random(6), 100)


def test_pupils_are_deterministic():
    assert _pupils(seed=11) == _pupils(seed=11)
    assert _pupils(seed=11) != _pupils(seed=12)
    assert len(_pupils(count=37)) == 37


def test_postcodes_are_well_formed_and_in_the_given_areas():
    areas = ["2491", "2512", "2599"]
    pupils = _pupils(count=2000, areas=areas)
    for pupil in pupils:
        assert re.fullmatch(r"[1-9][0-9]{3} [A-Z]{2}", pupil.postcode), pupil.postcode
        assert pupil.postcode[:4] in areas
        assert pupil.postcode[5:] not in {"SA", "SD", "SS"}
    assert {p.postcode[:4] for p in pupils} == set(areas)


def test_empty_or_malformed_postcode_areas_are_refused():
    with pytest.raises(ValueError):
        _pupils(areas=[])
    with pytest.raises(ValueError):
        _pupils(areas=["261"])


def test_pupils_are_15_or_16_on_1_october_of_the_school_year():
    reference = datetime.date(SCHOOL_YEAR, 10, 1)
    ages = set()
    for pupil in _pupils(count=2000):
        born = pupil.geboortedatum
        assert born.year in {SCHOOL_YEAR - 16, SCHOOL_YEAR - 15}
        age = reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
        ages.add(age)
    assert ages == {15, 16}


def test_emails_are_unique_ascii_lowercase_on_the_demo_domain():
    # Enough pupils that first name + surname combinations repeat and need a digit.
    pupils = _pupils(count=3000)
    emails = [p.email for p in pupils]
    assert len(set(emails)) == len(emails)
    assert any(re.search(r"[0-9]@", email) for email in emails)
    for email in emails:
        assert re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+@" + re.escape(EMAIL_DOMAIN), email), email


def test_email_strips_accents_and_joins_tussenvoegsel():
    pupils = _pupils(count=3000)
    zoe = next(p for p in pupils if p.voornaam == "Zoë")
    assert zoe.email.startswith("zoe.")
    vries = next(p for p in pupils if p.achternaam == "Vries")
    assert vries.email.split("@")[0].split(".")[1].rstrip("0123456789") == "devries"


def test_geslacht_values_match_the_first_name():
    sex_of = dict(FIRST_NAMES)
    pupils = _pupils(count=3000)
    counts = {"m": 0, "v": 0, "x": 0}
    for pupil in pupils:
        counts[pupil.geslacht] += 1
        if pupil.geslacht != "x":
            assert sex_of[pupil.voornaam] == pupil.geslacht
    assert 0 < counts["x"] < 0.03 * len(pupils)
    assert counts["m"] > 0.4 * len(pupils) and counts["v"] > 0.4 * len(pupils)


def test_surnames_are_split_into_tussenvoegsel_and_achternaam():
    assert split_surname("de Vries") == ("de", "Vries")
    assert split_surname("van den Berg") == ("van den", "Berg")
    assert split_surname("van 't Hof") == ("van 't", "Hof")
    assert split_surname("Dekker") == ("", "Dekker")
    pupils = _pupils(count=2000)
    assert {p.tussenvoegsel for p in pupils} >= {"", "de", "van", "van der", "van den"}
    for pupil in pupils:
        assert pupil.tussenvoegsel in set(TUSSENVOEGSELS) | {""}
        assert pupil.achternaam[:1].isupper()


def test_other_fields_are_plausible():
    pupils = _pupils(count=2000)
    for pupil in pupils:
        assert re.fullmatch(r"06-[0-9]{8}", pupil.telefoon)
        assert pupil.straat in STREETS
        assert pupil.huisnummer >= 1
        assert pupil.toevoeging in {"", "A", "B", "C", "bis", "1", "2", "3"}
        assert pupil.woonplaats == "Delft"
    assert sum(p.toevoeging == "" for p in pupils) > 0.7 * len(pupils)


def test_name_and_street_lists_are_large_and_contain_unicode():
    assert len(FIRST_NAMES) >= 60
    assert len(SURNAMES) >= 60
    assert len(STREETS) >= 30
    assert {"Zoë", "Chloë", "Daniël"} <= {name for name, _ in FIRST_NAMES}
