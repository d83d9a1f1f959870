"""The shipped declarations of the pupil's own dossier (dossier/declarations/<kind>.json): they parse, follow the
handleiding's pages in its order, explain the scores as the handleiding does, map only onto questions of the
doorstroomformulier that ask the same, and a broken document is refused with where it is wrong."""

import copy
import json
from pathlib import Path

import pytest

from doorstroom.declaration import MULTICHOICE, RECORD, ROWS, DeclarationError, Field
from doorstroom.declaration import parse as parse_form
from dossier.declaration import KINDS, MBO_MBO, VO_MBO, WERKLOOS_MBO, parse
from dossier.records import PREFILL_SOURCES, RECORD_SOURCES

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "dossier" / "declarations"
FORM = ROOT / "doorstroom" / "declarations" / "haaglanden-2026.json"

PAGES_A = [
    "persoonlijke_gegevens",
    "familie",
    "herkomst",
    "competenties",
    "ervaring",
    "ondersteuning",
    "vervolgkeuze",
    "voorbereiding",
    "motivatie",
]
TITLES = {VO_MBO: "VO-MBO dossier", MBO_MBO: "MBO-MBO dossier", WERKLOOS_MBO: "Werk(loos)-MBO dossier"}
# The handleiding, step 11: what each score means.
SCORE_EXPLANATION = [
    "1, beginner: je moet veel oefenen en hebt hulp nodig",
    "2, half gevorderd: je voldoet bijna aan de eisen",
    "3, gevorderd: je voldoet aan de eisen",
    "4, zeer gevorderd: je voldoet heel goed aan alle eisen en hebt geen hulp meer nodig",
    "(?): je weet het niet",
]


def document(kind: str) -> dict:
    return json.loads((SHIPPED / f"{kind}.json").read_text(encoding="utf-8"))


def form_fields() -> dict[str, Field]:
    return parse_form(json.loads(FORM.read_text(encoding="utf-8"))).fields


def every_field(spec):
    """Every field of both parts, and every column of repeatable rows."""
    for part in (spec.part_a, spec.part_b):
        for fld in part.all_fields() if part is not None else ():
            yield fld
            yield from fld.columns


@pytest.mark.parametrize("kind", KINDS)
def test_each_shipped_declaration_parses_as_its_own_kind(kind):
    assert sorted(p.stem for p in SHIPPED.glob("*.json")) == sorted(KINDS)
    spec = parse(document(kind))
    assert spec.kind == kind
    assert spec.title == TITLES[kind]
    assert spec.description.startswith("Dit kies je als")
    assert spec.has_mentor is (kind == VO_MBO)
    if kind == VO_MBO:
        assert [p.key for p in spec.part_b.steps] == ["mentor_over_leerling", "mentor_begeleiding", "mentor_advies"]
    else:
        assert spec.part_b is None


@pytest.mark.parametrize("kind", KINDS)
def test_part_a_has_the_pages_of_the_handleiding_in_its_order(kind):
    spec = parse(document(kind))
    assert [p.key for p in spec.pages] == PAGES_A
    assert spec.choice.key == "vervolgkeuze" and spec.choice.title == "Vervolgkeuze" and spec.choice.intro
    assert spec.page("familie").title == "Familie, wonen en vrije tijd"
    assert spec.page("herkomst").title == "School van herkomst"
    assert spec.part_a.care_steps == {"ondersteuning"}
    ervaring = {f.key: f for f in spec.page("ervaring").fields}
    assert {k: f.add_label for k, f in ervaring.items()} == {
        "stages": "Stage toevoegen",
        "werk": "Werk toevoegen",
        "trainingen": "Training toevoegen",
    }
    assert all(f.type == ROWS for f in ervaring.values())
    # The last question of Ondersteuning: the tests of the last two years, as rows.
    last = spec.page("ondersteuning").fields[-1]
    assert (last.key, last.type) == ("testen", ROWS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_but_the_optional_one_counts_a_required_question(kind):
    spec = parse(document(kind))
    for step in spec.part_a.steps:
        required = [f.key for f in step.fields if f.required]
        # The handleiding makes stages, werk and trainingen optional ("kun je invullen").
        assert bool(required) is (step.key != "ervaring"), step.key
    for step in spec.part_b.steps if spec.part_b else ():
        assert any(f.required for f in step.fields), step.key


@pytest.mark.parametrize("kind", KINDS)
def test_the_scores_are_explained_as_in_the_handleiding(kind):
    spec = parse(document(kind))
    page = spec.page("competenties")
    intro = page.intro.lower()
    for text in SCORE_EXPLANATION:
        assert text in intro
    scores = [f for f in page.fields if f.type == "score"]
    assert len(scores) == 10 and all(f.required for f in scores)


@pytest.mark.parametrize("kind", KINDS)
def test_persoonlijke_gegevens_reads_the_record_and_prefills_from_the_school(kind):
    spec = parse(document(kind))
    page = spec.page("persoonlijke_gegevens")
    records = {f.source: f.label for f in page.fields if f.type == RECORD}
    expected = {"leerling.naam": "Naam", "leerling.email": "E-mailadres", "leerling.bsn": "BSN"}
    if kind == VO_MBO:
        expected["leerling.school"] = "School"
    assert records == expected
    assert set(records) <= set(RECORD_SOURCES)
    assert set(spec.prefill.values()) <= set(PREFILL_SOURCES)
    assert spec.prefill == {source.removeprefix("pupil."): source for source in PREFILL_SOURCES}
    assert all(spec.field(key).step == "persoonlijke_gegevens" for key in spec.prefill)
    assert "Je kunt ook je mobiele nummer invullen" in spec.field("telefoon").help


@pytest.mark.parametrize("kind", KINDS)
def test_examples_are_grey_placeholders_not_help_text(kind):
    spec = parse(document(kind))
    assert spec.field("postcode").placeholder == "1234 AB"
    assert spec.field("telefoon").placeholder == "06-12345678"
    for fld in every_field(spec):
        if fld.placeholder:
            assert fld.placeholder.lower() not in fld.help.lower(), fld.key


def test_school_van_herkomst_of_a_vo_pupil_follows_the_handleiding():
    spec = parse(document(VO_MBO))
    schoolsoort = spec.field("schoolsoort")
    assert [v for v, _label in schoolsoort.choices] == ["vmbo", "havo", "pro", "vwo", "isk"]
    assert spec.field("leerweg").show_if.as_data() == {"field": "schoolsoort", "equals": "vmbo"}
    sector = spec.field("sector_tl")
    assert "intersectoraal" in dict(sector.choices) and sector.help == "Weet je het niet? Kies intersectoraal."
    examenvakken = spec.field("examenvakken")
    assert examenvakken.type == MULTICHOICE and not examenvakken.required
    assert "Staat een vak er niet bij? Dat geeft niet." in examenvakken.help


def test_the_mentor_speaks_about_de_leerling_not_to_anyone():
    spec = parse(document(VO_MBO))
    texts = [s.title + " " + s.intro for s in spec.part_b.steps]
    texts += [f"{f.label} {f.help}" for f in spec.part_b.all_fields()]
    for text in texts:
        words = set(text.lower().replace("?", " ").replace(",", " ").replace(".", " ").split())
        assert not words & {"u", "uw", "je", "jij", "jouw"}, text
    assert [v for v, _label in spec.field("advies_keuze").choices] == ["passend", "twijfel", "niet_passend"]
    assert spec.field("advies_toelichting").required


@pytest.mark.parametrize("kind", KINDS)
def test_every_mapping_pair_asks_the_same_as_the_doorstroomformulier(kind):
    spec = parse(document(kind))
    form = form_fields()
    assert spec.mapping or kind != VO_MBO
    for form_key, own_key in spec.mapping.items():
        theirs, ours = form.get(form_key), spec.field(own_key)
        assert theirs is not None and ours is not None, (form_key, own_key)
        assert theirs.type == ours.type, form_key
        assert {v for v, _label in ours.choices} <= {v for v, _label in theirs.choices}, form_key
        if ours.type == ROWS:  # a row taken over must keep every column
            assert [(c.key, c.type) for c in ours.columns] == [(c.key, c.type) for c in theirs.columns], form_key


def test_the_vo_mbo_mapping_names_every_question_the_form_shares():
    """Where the dossier has a question under the form's own key with the same type and answers, it is mapped."""
    spec = parse(document(VO_MBO))
    form = form_fields()
    for fld in [*spec.part_a.all_fields(), *spec.part_b.all_fields()]:
        theirs = form.get(fld.key)
        if theirs is None or not fld.is_answer or theirs.type != fld.type:
            continue
        if {v for v, _label in fld.choices} <= {v for v, _label in theirs.choices}:
            assert spec.mapping.get(fld.key) == fld.key, fld.key
    assert spec.mapping["motivatie"] == "motivatie_opleiding"  # the page is called motivatie
    for key in ("schoolsoort", "leerweg", "sector_tl", "examenvakken", "comp_samenwerken", "stages", "testen"):
        assert spec.mapping[key] == key


def test_the_kinds_share_their_common_questions():
    """A new dossier of another kind can copy what the kinds have in common."""
    specs = {kind: parse(document(kind)) for kind in KINDS}
    common = ["competenties", "ervaring", "ondersteuning", "voorbereiding", "motivatie"]
    for page in common:
        keys = {kind: [f.key for f in spec.page(page).fields] for kind, spec in specs.items()}
        assert keys[MBO_MBO] == keys[VO_MBO] == keys[WERKLOOS_MBO], page
    assert specs[MBO_MBO].mapping == specs[WERKLOOS_MBO].mapping
    assert set(specs[MBO_MBO].mapping.items()) <= set(specs[VO_MBO].mapping.items())


# --- refusals --------------------------------------------------------------------------------------------------


def _refused(kind: str, change) -> str:
    doc = copy.deepcopy(document(kind))
    change(doc)
    with pytest.raises(DeclarationError) as exc:
        parse(doc)
    return str(exc.value)


def _page(doc: dict, key: str) -> dict:
    return next(p for p in doc["part_a"] if p["key"] == key)


def test_an_unknown_kind_is_refused():
    message = _refused(VO_MBO, lambda d: d.update(kind="vo-hbo"))
    assert "'kind'" in message and "'vo-hbo'" in message


def test_a_vo_mbo_dossier_without_part_b_is_refused():
    message = _refused(VO_MBO, lambda d: d.pop("part_b"))
    assert "vo-mbo" in message and "part B" in message


def test_an_mbo_mbo_dossier_with_part_b_is_refused():
    message = _refused(MBO_MBO, lambda d: d.update(part_b=document(VO_MBO)["part_b"]))
    assert "mbo-mbo" in message and "part B" in message


def test_two_catalogue_pages_are_refused():
    def twice(doc):
        doc["part_a"].append({"key": "tweede_keuze", "title": "Tweede keuze", "catalogue": True})

    assert "catalogue" in _refused(WERKLOOS_MBO, twice)


def test_an_attachment_is_refused_with_its_field():
    def attach(doc):
        _page(doc, "motivatie")["fields"].append({"key": "cv", "type": "attachment", "label": "Je cv"})

    message = _refused(MBO_MBO, attach)
    assert "'cv'" in message and "attachment" in message


def test_a_prefill_of_a_question_that_does_not_exist_is_refused():
    def prefill(doc):
        doc["prefill"]["mobiel"] = "pupil.telefoon"

    message = _refused(VO_MBO, prefill)
    assert "prefill" in message and "'mobiel'" in message


def test_a_mistake_inside_a_page_names_the_page_and_the_field():
    def broken(doc):
        _page(doc, "familie")["fields"][0]["type"] = "dropdown"

    message = _refused(VO_MBO, broken)
    assert "step 'familie'" in message and "(woonsituatie)" in message and "'dropdown'" in message


def test_a_mapping_onto_a_record_is_refused():
    message = _refused(VO_MBO, lambda d: d["mapping"].update(naam="naam"))
    assert "mapping" in message and "'naam'" in message
