"""manage.py bench overview, mbo_aanmeldingen, pupil_page, meldingen, form_step and admin_pupils: each prints one JSON line with the figure,
its limit, their ratio, the query count and the HTML size, on a small generated scene that is rolled back."""

import io
import json

import pytest
from django.core.management import call_command

from accounts.models import Organisation, User
from doorstroom.models import Formulier
from notifications.models import Melding
from students.models import Aanmelding, Pupil
from voroc.management.commands.bench import BENCHMARKS

pytestmark = pytest.mark.django_db

KEYS = {"name", "figure_s", "limit_s", "ratio", "queries", "html_kb", "within_aim"}


@pytest.fixture
def nothing_left_behind():
    before = Organisation.objects.count(), User.objects.count()
    yield
    assert (Organisation.objects.count(), User.objects.count()) == before
    assert not Pupil.objects.exists() and not Aanmelding.objects.exists()
    assert not Formulier.objects.exists() and not Melding.objects.exists()


def _check(result: dict, name: str) -> None:
    assert KEYS <= result.keys() and result["name"] == name
    assert result["figure_s"] > 0 and result["limit_s"] > 0 and result["queries"] > 0 and result["html_kb"] > 0
    assert result["bare_rows"] > 0
    json.dumps(result)  # printable as one JSON line


def test_overview_measures_the_decaan_at_each_size_and_a_mentors_two_groups(nothing_left_behind):
    from voroc.bench.overview import overview

    result = overview(sizes=(60, 80))
    _check(result, "overview")
    assert result["pupils"] == 60 and result["role"] == "decaan"
    _check(result["mentor"], "overview")
    assert result["mentor"]["groups"] == 2 and result["mentor"]["bare_rows"] < result["bare_rows"]
    [bigger] = result["sizes"]
    _check(bigger, "overview")
    assert bigger["pupils"] == 80 and "mentor" not in bigger


def test_mbo_aanmeldingen_measures_the_roc_users_first_page(nothing_left_behind):
    from voroc.bench.lists import mbo_aanmeldingen

    result = mbo_aanmeldingen(pupils=60)
    _check(result, "mbo_aanmeldingen")
    assert result["applicants"] > 0


def test_pupil_page_measures_the_pupil_with_the_most_aanmeldingen(nothing_left_behind):
    from voroc.bench.lists import pupil_page

    result = pupil_page(pupils=30)
    _check(result, "pupil_page")
    assert result["aanmeldingen"] >= 1


def test_meldingen_measures_the_decaans_list(nothing_left_behind):
    from voroc.bench.lists import meldingen

    result = meldingen(pupils=60)
    _check(result, "meldingen")
    assert result["meldingen"] > 0


def test_form_step_opens_a_step_and_saves_it_through_the_pages_own_form(nothing_left_behind):
    from voroc.bench.form_step import form_step

    result = form_step(pupils=40)
    _check(result, "form_step")
    assert result["fields"] > 0 and result["step"]
    save = result["save"]  # every Opslaan stored its change, or the benchmark fails
    assert save["name"] == "form_step_save" and save["figure_s"] > 0 and save["limit_s"] > 0 and save["queries"] > 0


def test_form_reader_posts_what_a_browser_would():
    from voroc.bench.form_step import form_fields

    html = """<form id="other"><input name="x" value="1"></form><form id="f">
    <input type="hidden" name="stap" value="s1"><input name="a-naam" value="Sem &amp; co">
    <input type="radio" name="a-keus" value="ja"><input type="radio" name="a-keus" value="nee" checked>
    <input type="checkbox" name="a-vak" value="wis" checked><input type="checkbox" name="a-vak" value="ned">
    <input name="a-uit" value="x" disabled><input type="submit" name="actie" value="opslaan">
    <textarea name="a-tekst">
regel 1</textarea><select name="a-land"><option value="nl">NL</option><option value="be" selected>BE</option></select>
    <select name="a-leeg"><option value="">–</option><option value="1">1</option></select></form>"""
    assert form_fields(html, "f") == [
        ("stap", "s1"), ("a-naam", "Sem & co"), ("a-keus", "nee"), ("a-vak", "wis"), ("a-tekst", "regel 1"),
        ("a-land", "be"), ("a-leeg", ""),
    ]  # fmt: skip


def test_admin_pupils_measures_the_servicedesks_first_page(nothing_left_behind):
    from voroc.bench.lists import admin_pupils

    result = admin_pupils(pupils=30)
    _check(result, "admin_pupils")
    assert result["pupils"] >= 30


def test_the_bench_command_prints_one_json_line(nothing_left_behind, monkeypatch):
    import voroc.bench.lists as lists

    monkeypatch.setattr(lists.pupil_page, "__defaults__", (20,))
    out = io.StringIO()
    call_command("bench", "pupil_page", stdout=out)
    [printed] = out.getvalue().splitlines()
    _check(json.loads(printed), "pupil_page")
    for name in ("overview", "mbo_aanmeldingen", "pupil_page", "meldingen", "form_step", "admin_pupils"):
        assert BENCHMARKS[name].startswith("voroc.bench.")


def test_login_hash_measures_the_configured_hasher_beside_pbkdf2(settings):
    from voroc import settings as production
    from voroc.bench.login_hash import login_hash

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    result = login_hash()
    assert result["name"] == "login_hash" and result["hasher"] == "argon2"
    assert result["parameters"] == {"time_cost": 2, "memory_cost": 65536, "parallelism": 1}
    assert result["check_s"] > 0 and result["pbkdf2_1m_check_s"] > 0 and result["login_s"] > 0
    assert result["login_queries"] > 0 and not User.objects.filter(username="bench.decaan").exists()
