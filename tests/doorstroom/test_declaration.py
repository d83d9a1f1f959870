"""The declaration as data: the Haaglanden document, every kind of mistake refused with where and why,
versions that never change once a form uses them, and an old form that still renders and prints."""

import copy
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from doorstroom.declaration import (
    ATTACHMENT,
    CHOICE,
    DATE,
    MULTICHOICE,
    NUMBER,
    RECORD,
    ROWS,
    SCORE,
    TEXT,
    TEXTAREA,
    YESNO,
    DeclarationError,
    parse,
)
from doorstroom.engine import evaluate
from doorstroom.loader import load
from doorstroom.models import Declaration
from tests.doorstroom.helpers import haaglanden


def test_the_haaglanden_declaration_has_the_steps_of_the_issue():
    spec = parse(haaglanden())
    keys = [s.key for s in spec.steps]
    assert keys == [
        "leerlinggegevens",
        "vooropleiding",
        "loopbaan",
        "aandachtspunten",
        "doelgroep_vso",
        "doelgroep_pro",
        "doelgroep_isk",
        "doelgroep_vavo",
        "doelgroep_vrijeschool",
        "doelgroep_povo",
        "ondersteuning",
        "competenties",
        "ervaring",
        "verzuim",
        "advies",
        "akkoord",
    ]
    # Every field type is used, and care steps are marked as such.
    used = {f.type for f in spec.all_fields()}
    assert used == {TEXT, TEXTAREA, CHOICE, MULTICHOICE, YESNO, DATE, NUMBER, SCORE, ROWS, RECORD, ATTACHMENT}
    assert {f.widget for f in spec.all_fields() if f.type == CHOICE} == {"select", "radio"}
    assert spec.care_steps == {"aandachtspunten", "ondersteuning"} | {k for k in keys if k.startswith("doelgroep_")}
    doelgroep = spec.fields["doelgroep"]
    assert [label for _v, label in doelgroep.choices] == [
        "Passend onderwijs VSO (voorheen Extra ondersteuning)",
        "PRO",
        "ISK",
        "VAVO",
        "Vrije school",
        "Passend onderwijs VO",
        "Mijn leerling behoort tot geen van deze doelgroepen",
    ]
    assert len([f for f in spec.step("competenties").fields if f.type == SCORE]) == 10
    assert {f.key for f in spec.step("ervaring").fields} == {"stages", "werk", "trainingen"}
    assert spec.fields["lob_paspoort"].type == ATTACHMENT and spec.fields["lob_paspoort"].required
    assert "pupil.bsn" not in {f.source for f in spec.all_fields()}  # no record source for the BSN exists


def _broken(change) -> str:
    doc = copy.deepcopy(haaglanden())
    change(doc)
    with pytest.raises(DeclarationError) as exc:
        parse(doc)
    return str(exc.value)


def test_an_unknown_field_type_is_refused():
    def change(doc):
        doc["steps"][1]["fields"][0]["type"] = "slider"

    assert "unknown field type 'slider'" in _broken(change) and "step 'vooropleiding'" in _broken(change)


def test_a_condition_naming_an_unknown_field_is_refused():
    def change(doc):
        doc["steps"][1]["fields"][1]["show_if"] = {"field": "schoolsort", "equals": "vmbo"}

    assert "unknown field 'schoolsort'" in _broken(change)


def test_a_condition_can_only_look_back():
    def change(doc):
        doc["steps"][1]["fields"][0]["show_if"] = {"field": "leerweg", "equals": "kb"}

    assert "declared later" in _broken(change)


def test_a_key_used_twice_is_refused():
    def change(doc):
        doc["steps"][2]["fields"][1]["key"] = "schoolsoort"

    assert "'schoolsoort' is used twice" in _broken(change)


def test_a_condition_value_that_is_not_a_choice_is_refused():
    def change(doc):
        doc["steps"][6]["show_if"] = {"field": "doelgroep", "equals": "nieuwkomer"}

    assert "'nieuwkomer' is not one of the choices of 'doelgroep'" in _broken(change)


def test_a_step_about_something_else_cannot_depend_on_a_care_answer():
    def change(doc):
        doc["steps"][13]["show_if"] = {"field": "doelgroep", "equals": "isk"}  # verzuim (not care) on the doelgroep

    assert "only a care step or field can depend on the care field 'doelgroep'" in _broken(change)


def test_unknown_keys_and_formats_are_refused():
    assert "unknown format" in _broken(lambda d: d.update(format=2))
    assert "unknown keys" in _broken(lambda d: d["steps"][0].update(kleur="blauw"))
    assert "unknown record source" in _broken(lambda d: d["steps"][0]["fields"][0].update(source="pupil.bsn"))
    assert "has no 'min' or 'max'" in _broken(lambda d: d["steps"][2]["fields"][1].update(max=0))  # a text field
    spec = parse(haaglanden())
    assert (spec.fields["datum_bespreking"].min, spec.fields["datum_bespreking"].max) == (-400, 0)


def test_conditions_show_steps_and_fields_and_only_shown_required_fields_count():
    spec = parse(haaglanden())
    base = {"schoolsoort": "havo"}
    shown = evaluate(spec, base)
    assert not shown.of("doelgroep_isk").shown
    assert "leerweg" not in shown.shown_fields and "profiel_havo_vwo" in shown.shown_fields
    isk = evaluate(spec, {**base, "doelgroep": "isk"})
    assert isk.of("doelgroep_isk").shown and not isk.of("doelgroep_pro").shown
    # The ISK step adds its two required fields to what must be filled in; leaving ISK takes them out again.
    assert isk.required == shown.required + 2
    back = evaluate(spec, {**base, "doelgroep": "geen", "isk_taalniveau": "a2"})
    assert back.required == shown.required and "isk_taalniveau" not in back.shown_fields
    # "any": hulpmiddelen appears for a dyslexie- or a dyscalculieverklaring.
    assert "hulpmiddelen" not in evaluate(spec, {"dyslexieverklaring": "nee"}).shown_fields
    assert "hulpmiddelen" in evaluate(spec, {"dyscalculieverklaring": "ja"}).shown_fields


@pytest.mark.django_db
def test_the_migration_shipped_haaglanden_2026():
    shipped = Declaration.objects.get(region="Haaglanden", school_year=2026, version=1)
    assert shipped.parsed().steps[0].key == "leerlinggegevens" and shipped.document == haaglanden()


@pytest.mark.django_db
def test_loading_versions_unchanged_replaced_and_new(tmp_path):
    doc = haaglanden()
    doc.update(school_year=2030)
    assert load(document=doc).outcome == "new"
    assert load(document=doc).outcome == "unchanged"
    doc["title"] = "Doorstroomformulier 2030 (bijgewerkt)"
    loaded = load(document=doc)
    assert (loaded.outcome, loaded.declaration.version) == ("replaced", 1)  # no form used it yet

    from tests.factories import PupilFactory

    pupil = PupilFactory(school_year=2030)
    from doorstroom.models import Formulier

    Formulier.objects.create(pupil=pupil, declaration=loaded.declaration)
    doc["title"] = "Doorstroomformulier 2030, versie 2"
    second = load(document=doc)
    assert (second.outcome, second.declaration.version) == ("new version", 2)
    # A used version never changes (also not by a save that tries).
    first = Declaration.objects.get(region="Haaglanden", school_year=2030, version=1)
    first.document = doc
    with pytest.raises(ValidationError):
        first.save()


@pytest.mark.django_db
def test_the_command_checks_and_says_what_is_wrong(tmp_path):
    good = tmp_path / "goed.json"
    doc = haaglanden()
    doc["school_year"] = 2031
    good.write_text(json.dumps(doc))
    out = io.StringIO()
    call_command("load_declaration", str(good), stdout=out)
    assert "Haaglanden 2031, version 1: new" in out.getvalue()
    doc["steps"][1]["fields"][0]["type"] = "slider"
    bad = tmp_path / "fout.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match="unknown field type 'slider'"):
        call_command("load_declaration", str(bad), stdout=io.StringIO())
    (tmp_path / "kapot.json").write_text("{")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_declaration", str(tmp_path / "kapot.json"), stdout=io.StringIO())
    assert not Declaration.objects.filter(school_year=2031, version=2).exists()


def test_the_consent_question_is_declared_once_and_an_older_document_keeps_akkoord_leerling():
    assert (parse(haaglanden()).consent_field.key, parse(haaglanden()).consent_field.consent) == (
        "akkoord_leerling",
        "ja",
    )

    def fields(doc):
        return next(s for s in doc["steps"] if s["key"] == "akkoord")["fields"]

    def mark(key, value="ja", *, moved=True):
        def change(doc):
            if moved:
                next(f for f in fields(doc) if f["key"] == "akkoord_leerling").pop("consent")
            next(f for f in fields(doc) if f["key"] == key).update(consent=value)

        return change

    assert "one consent question" in _broken(mark("besproken_leerling", moved=False))
    assert "not one of its choices" in _broken(mark("akkoord_leerling", "misschien"))
    assert "only a choice or yes/no question" in _broken(mark("opmerkingen"))
    # A document from before the marker: its akkoord_leerling is the consent question.
    older = copy.deepcopy(haaglanden())
    next(f for f in fields(older) if f["key"] == "akkoord_leerling").pop("consent")
    assert parse(older).consent_field.key == "akkoord_leerling"
    spec = parse(older)
    answers = {"akkoord_leerling": "ja"}
    assert evaluate(spec, answers).consent and not evaluate(spec, {"akkoord_leerling": "nee"}).consent
