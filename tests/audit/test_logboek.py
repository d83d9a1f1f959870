"""Tab Logboek as a Dutch school user reads it: screens by name, values as text, filters, compact and cheap."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.context import acting_as
from audit.models import Action
from audit.services import record_change, record_pupils, record_view
from students.audit_display import OTHER, SCREENS, readable_summary, readable_value, screen_label
from tests.conftest import login_as, session_queries
from tests.factories import GroupFactory, PupilFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "audit", "students", "groups", "doorstroom", "feedback", "notifications", "voroc")


def url_names() -> set[str]:
    """What the audit log writes as the screen of a request: the view name of every URL pattern."""
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            else:
                names.add(namespace + (pattern.name or ""))

    walk(get_resolver().url_patterns)
    return names


def task_screens() -> set[str]:
    """The screens tasks and commands act on (``acting_as(..., screen="...")``) anywhere in the code."""
    found: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            found.update(re.findall(r"""acting_as\([^)]*?screen=["']([^"']+)["']""", path.read_text(), re.S))
    return found


def test_every_screen_of_the_app_has_a_dutch_name():
    names = url_names()
    own = {n for n in names if n and not n.startswith("admin:")}
    assert "students:logboek" in own and "doorstroom:formulier" in own
    assert sorted(n for n in own if n not in SCREENS) == [], "give the new screen a name in students/audit_display.py"
    tasks = task_screens()
    assert "feedback:ingest" in tasks and "command:purge_expired" in tasks
    assert sorted(t for t in tasks if t not in SCREENS) == []
    for name in (n for n in names if n.startswith("admin:")):
        label = screen_label(name)
        assert label.startswith("Beheer (servicedesk)") and "_" not in label, name
    assert screen_label("admin:students_pupil_change") == "Beheer (servicedesk): leerling"
    assert screen_label("admin:students_pupil_history") == "Beheer (servicedesk): leerling, geschiedenis"
    # Never the code: what is not known gets a general name.
    assert screen_label("students:iets_nieuws") == str(OTHER) == screen_label("/leerlingen/12/")


@pytest.mark.parametrize(
    ("field", "stored", "shown"),
    [
        ("Aandachtspunten › Aandachtspunten", "['concentratie', 'gedrag']", "concentratie, gedrag"),
        ("voornaam", "", "(leeg)"),
        ("group", "[]", "(leeg)"),
        ("geboortedatum", "2010-05-17", "17-05-2010"),
        ("school_year", "2026", "2026-2027"),
        ("geslacht", "v", "Vrouw"),
        ("group", "4A (#12)", "4A"),
        ("woonplaats", "Den Haag", "Den Haag"),
    ],
)
def test_values_are_shown_as_a_person_reads_them(field, stored, shown):
    assert readable_value(field, stored) == shown


def test_a_moment_is_shown_in_local_time_and_a_school_year_as_schools_write_it(settings):
    assert readable_value("x", "2026-10-01T10:30:00+00:00") == "01-10-2026 12:30"  # Europe/Amsterdam, summer
    assert readable_summary("aanmeldingen bij de mbo-school, schooljaar 2026") == (
        "aanmeldingen bij de mbo-school, schooljaar 2026-2027"
    )
    assert readable_summary("schooljaar 2026-2027") == "schooljaar 2026-2027"


# --- the page --------------------------------------------------------------------------------------------------------
@pytest.fixture
def beheerder(client, demo):
    login_as(client, demo["beheerder.vo1"])
    return client


@pytest.fixture
def pupil(demo):
    return PupilFactory(school=demo["decaan.vo1"].organisation, voornaam="Sem", achternaam="Jansen")


def rows(response) -> list[str]:
    """The text of each row, a space between cells."""
    html = response.content.decode().split("</tbody>")[0]
    cells = [re.sub(r"</(td|div)>", " ", row) for row in html.split('data-testid="logboek-row"')[1:]]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip(" >") for cell in cells]


def test_the_logboek_reads_as_dutch_with_values_a_person_understands(beheerder, demo, pupil, client):
    from doorstroom.models import Formulier
    from tests.doorstroom.conftest import posted

    login_as(client, demo["decaan.vo1"])
    response = client.post(
        reverse("doorstroom:formulier", args=[pupil.pk]),
        posted(pupil, "aandachtspunten", "opslaan", doelgroep="geen", aandachtspunten_lijst=["concentratie", "gedrag"]),
    )
    assert response.status_code == 302 and Formulier.objects.filter(pupil=pupil).exists()
    with acting_as("", screen="students:leerling", user=demo["decaan.vo1"]):
        record_change(pupil, changes={"school_year": (2025, 2026), "geboortedatum": (None, datetime.date(2010, 5, 17))})
    login_as(client, demo["beheerder.vo1"])
    page = beheerder.get(reverse("students:logboek"))
    text = " | ".join(rows(page))
    assert "Doorstroomformulier invullen" in text and "doorstroom:formulier" not in text
    assert "Aandachtspunten: (leeg) → Concentratie, Gedrag" in text  # the choices' labels
    assert "Schooljaar: 2025-2026 → 2026-2027" in text
    assert "Geboortedatum: (leeg) → 17-05-2010" in text
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}", text)


def test_by_default_the_lists_stay_out_and_can_be_shown(beheerder, demo, pupil):
    with acting_as("", screen="notifications:meldingen", user=demo["decaan.vo1"]):
        record_pupils(Action.LIST, [pupil], summary="meldingen")
        record_view(pupil)
    url, by_decaan = reverse("students:logboek"), {"wie": f"u{demo['decaan.vo1'].pk}"}
    shown = rows(beheerder.get(url, by_decaan))
    assert len(shown) == 1 and "Bekeken" in shown[0]
    assert 'data-testid="lists-hidden"' in beheerder.get(url).content.decode()
    assert len(rows(beheerder.get(url, {**by_decaan, "handeling": "alle"}))) == 2
    only_lists = rows(beheerder.get(url, {**by_decaan, "handeling": "list"}))
    assert len(only_lists) == 1 and "In een lijst bekeken" in only_lists[0] and "1 leerling" in only_lists[0]
    assert rows(beheerder.get(url, {**by_decaan, "handeling": "wijzigingen"})) == []
    # One pupil's Logboek too.
    assert len(rows(beheerder.get(reverse("students:logboek_leerling", args=[pupil.pk]), by_decaan))) == 1


def test_the_logboek_filters_by_person_and_by_date(beheerder, demo, pupil):
    def change_by(username: str | None, day: datetime.date):
        user = demo[username] if username else None
        with acting_as("systeem", screen="task:x", user=user):
            entry = record_change(pupil, changes={"woonplaats": (username or "systeem", str(day))})
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        with connection.cursor() as cursor:  # the log is append-only for the app: a test sets the time in SQL
            cursor.execute("UPDATE audit_auditentry SET at = %s WHERE id = %s", [at, entry.pk])

    change_by("decaan.vo1", datetime.date(2026, 10, 1))
    change_by("mentor.vo1", datetime.date(2026, 10, 5))
    change_by("roc.mbo1", datetime.date(2026, 10, 9))
    change_by(None, datetime.date(2026, 10, 9))
    url = reverse("students:logboek")

    def who(**params) -> list[str]:
        return [r.split("Gewijzigd")[0] for r in rows(beheerder.get(url, params))]

    assert len(who()) == 4
    mentor = demo["mentor.vo1"]
    assert [mentor.full_name in r for r in who(wie=f"u{mentor.pk}")] == [True]
    assert ["ROC-gebruiker" in r for r in who(wie="rol:roc")] == [True]
    assert len(who(wie="systeem")) == 1
    assert len(who(van="2026-10-05")) == 3
    assert len(who(van="2026-10-02", tot="2026-10-05")) == 1
    assert len(who(tot="2026-10-01")) == 1
    # A user of another school cannot be chosen (nor found by id).
    other = demo["decaan.vo2"]
    assert len(who(wie=f"u{other.pk}")) == 4


def test_the_logboek_keeps_a_fixed_number_of_queries(beheerder, demo, django_assert_num_queries):
    school = demo["decaan.vo1"].organisation
    group = GroupFactory(school=school)

    def add(count: int) -> None:
        for _ in range(count):
            pupil = PupilFactory(school=school, group=group)
            with acting_as("", screen="students:bewerken", user=demo["decaan.vo1"]):
                record_change(pupil, changes={"woonplaats": ("Delft", "Den Haag")})
                record_pupils(Action.LIST, [pupil], summary="meldingen")

    add(2)
    url = reverse("students:logboek")
    beheerder.get(url)  # warm up
    # (session,) user, otp device, organisation (header), the school's users (filter "wie"), count of entries,
    # the page of entries, the names of its pupils, their keys (old → new), the Logboek's own list entry.
    expected = session_queries() + 9
    with django_assert_num_queries(expected):
        small = beheerder.get(url, {"handeling": "alle"})
    add(40)
    with django_assert_num_queries(expected):
        large = beheerder.get(url, {"handeling": "alle"})
    assert len(rows(small)) < len(rows(large)) == 50
