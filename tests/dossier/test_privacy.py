"""The pupil's account in the inzage (AVG), and the retention of registrations: what a pupil typed goes after 90
days, unless it still waits for the decaan."""

import datetime

import pytest
from django.utils import timezone

from accounts.retention import categories
from dossier.models import Registration
from students.privacy import collect

pytestmark = pytest.mark.django_db


def registration(status: str, days_old: int) -> Registration:
    made = Registration.objects.create(
        kind="zelf",
        voornaam="Ayoub",
        achternaam="Bakkali",
        geboortedatum=datetime.date(2009, 1, 2),
        email=f"{status}{days_old}@example.com",
        status=status,
    )
    Registration.objects.filter(pk=made.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_old))
    return made


def test_registrations_go_after_90_days_unless_they_wait_for_the_decaan(vo1):
    kept = [registration("email", 89), registration("actief", 10)]
    waiting = Registration.objects.create(
        kind="schoolcode", school=vo1, voornaam="S", achternaam="V", geboortedatum=datetime.date(2011, 1, 1),
        email="wacht@example.com", status="school",
    )  # fmt: skip
    Registration.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    gone = [registration("email", 91), registration("afgewezen", 200), registration("actief", 100)]
    [category] = [c for c in categories() if c.key == "leerling_registraties"]
    assert category.expired(category.cutoff()) == 3
    assert category.purge(category.cutoff()) == 3
    left = set(Registration.objects.values_list("pk", flat=True))
    assert left == {r.pk for r in kept} | {waiting.pk} and not left & {r.pk for r in gone}


def test_the_inzage_shows_the_pupils_account(demo_pupils):
    pupil = demo_pupils["leerling.vo1"].pupil_account.pupil
    [rows] = [rows for section, rows in collect(pupil) if section.key == "leerlingaccount"]
    assert rows[0]["loginnaam"] == "leerling.vo1" and rows[0]["stand"] == "actief"


def test_removing_the_pupil_completely_takes_the_account_and_the_registrations(demo_pupils):
    from accounts.models import User
    from students.privacy import remove_pupil_completely

    leerling = demo_pupils["leerling.vo1"]
    pupil = leerling.pupil_account.pupil
    made = registration("gekoppeld", 1)
    Registration.objects.filter(pk=made.pk).update(pupil=pupil)
    remove_pupil_completely(pupil=pupil, reason="avg")
    assert not User.objects.filter(pk=leerling.pk).exists()
    assert not Registration.objects.filter(pk=made.pk).exists()


def test_the_inzage_holds_every_answer_of_the_pupils_dossiers():
    from dossier.filling import start_dossier
    from dossier.models import Dossier
    from tests.dossier.helpers import pupil_account
    from tests.factories import PupilFactory

    pupil = PupilFactory()
    dossier = start_dossier(account=pupil_account(pupil), kind="vo-mbo")
    Dossier.objects.filter(pk=dossier.pk).update(
        answers={**dossier.answers, "beroepswens": "Kok in een restaurant", "comp_plannen": "2"},
        verdicts={"motivatie": {"oordeel": "oneens", "opmerking": "Nog eens over praten"}},
        mentor_answers={"sterke_punten": "Werkt hard"},
    )
    [rows] = [rows for section, rows in collect(pupil) if section.key == "doorstroomdossier"]
    answers = {(row["deel"], row["vraag"]): row["antwoord"] for row in rows}
    assert any(a == "Kok in een restaurant" for a in answers.values())
    assert any("Half gevorderd" in a for a in answers.values())
    assert ("B", "eens of oneens") in answers and "Nog eens over praten" in answers[("B", "eens of oneens")]
    assert "Werkt hard" in answers.values()
    assert all(row["soort"] == "VO-MBO dossier" for row in rows)
