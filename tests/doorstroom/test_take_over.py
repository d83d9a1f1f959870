"""Nothing typed twice: where the pupil's own doorstroomdossier answers a question of the doorstroomformulier (the
dossier declaration's mapping), the fill-in page shows that answer under the field with "Overnemen", and per step
"Alle antwoorden van de leerling overnemen" for the fields still empty. Taken over, an answer is in the user's working
copy like typed input; "Opslaan" saves it. Only on steps the user may edit, care steps only with care rights."""

from __future__ import annotations

import copy
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Action, AuditEntry
from doorstroom.access import ROLE_RIGHTS, FormRights
from doorstroom.models import FormDraft, Formulier
from doorstroom.suggestions import fitting
from dossier.filling import start_dossier
from dossier.loader import SHIPPED, load
from dossier.models import DossierState
from tests.conftest import login_as
from tests.doorstroom.conftest import posted, step_data
from tests.doorstroom.helpers import declaration_for, make_form
from tests.dossier.helpers import pupil_account
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

SOURCE = "In het doorstroomdossier van de leerling:"
PUPILS_ANSWERS = {
    "schoolsoort": "vmbo",
    "leerweg": "kb",
    "profiel": "zw",
    "verwacht_diploma": "vmbo_kb",
    "gedoubleerd": "nee",
    "comp_plannen": "3",
    "hulp": ["dyslexie"],
    "dyslexieverklaring": "ja",
    "stages": [{"bedrijf": "Bakkerij Bol", "plaats": "Delft", "werkzaamheden": "Brood bakken", "periode": "2025"}],
}


def form_url(pupil, step: str = "") -> str:
    url = reverse("doorstroom:formulier", args=[pupil.pk])
    return f"{url}?stap={step}" if step else url


def a_dossier(pupil, answers: dict | None = None, *, state: str = DossierState.BIJ_MENTOR):
    dossier = start_dossier(account=pupil_account(pupil), kind="vo-mbo")
    dossier.answers.update(PUPILS_ANSWERS if answers is None else answers)
    dossier.state = state
    dossier.sent_to_mentor_at = timezone.now() if state != DossierState.DEEL_A else None
    dossier.save()
    return dossier


@pytest.fixture
def decaan(client, demo):
    login_as(client, demo["decaan.vo1"])
    return client


def draft_of(pupil) -> dict:
    draft = FormDraft.objects.filter(form__pupil=pupil).first()
    return draft.values if draft else {}


def test_an_answer_is_taken_over_with_one_click_kept_with_what_was_typed_and_saved(decaan, pupil):
    a_dossier(pupil)
    page = decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    assert 'data-testid="suggestion-schoolsoort"' in page and SOURCE in page
    assert 'data-testid="suggested-schoolsoort">vmbo<' in page  # the form's own label of the choice
    assert 'data-testid="suggested-verwacht_diploma">vmbo-diploma kaderberoepsgerichte leerweg<' in page

    # "Overnemen" posts the step as it is, with what was typed in another field of it.
    response = decaan.post(form_url(pupil), posted(pupil, "vooropleiding", "overnemen:schoolsoort", gedoubleerd="ja"))
    assert response.status_code == 302 and response.url == form_url(pupil, "vooropleiding")
    assert draft_of(pupil) == {"schoolsoort": "vmbo", "gedoubleerd": "ja"}
    assert Formulier.objects.get(pupil=pupil).answers == {}  # in the working copy, not saved yet

    page = decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    assert '<option value="vmbo" selected>' in page
    assert 'data-testid="suggestion-schoolsoort"' not in page  # the form says the same now
    assert 'data-testid="suggestion-leerweg"' in page  # shown now that the schoolsoort is vmbo
    assert "1 antwoord overgenomen" in page

    decaan.post(form_url(pupil), step_data("vooropleiding", "opslaan", schoolsoort="vmbo", gedoubleerd="ja"))
    form = Formulier.objects.get(pupil=pupil)
    assert form.answers == {"schoolsoort": "vmbo", "gedoubleerd": "ja"}
    page = decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    assert '<option value="vmbo" selected>' in page

    # The log says the answers were shown and taken over, naming the source and the step, never a value.
    entries = AuditEntry.objects.filter(pupil_id=pupil.pk, summary__contains="doorstroomdossier van de leerling")
    shown = entries.filter(action=Action.VIEW, summary__contains="getoond")
    taken = entries.get(action=Action.CHANGE, summary__contains="overgenomen")
    assert shown.exists() and "stap Vooropleiding (1)" in taken.summary
    assert not any("vmbo" in e.summary for e in entries)


def test_rows_and_scores_are_taken_over_too(decaan, pupil):
    a_dossier(pupil)
    page = decaan.get(form_url(pupil, "ervaring")).content.decode()
    assert "Bedrijf: Bakkerij Bol, Plaats: Delft" in page
    decaan.post(form_url(pupil), posted(pupil, "ervaring", "overnemen:stages"))
    assert draft_of(pupil) == {"stages": PUPILS_ANSWERS["stages"]}
    page = decaan.get(form_url(pupil, "competenties")).content.decode()
    assert 'data-testid="suggestion-comp_plannen"' in page and "3 – Gevorderd" in page
    decaan.post(form_url(pupil), posted(pupil, "competenties", "overnemen:comp_plannen"))
    assert draft_of(pupil)["comp_plannen"] == "3"


def test_alle_takes_the_empty_fields_and_leaves_what_is_filled(decaan, pupil):
    a_dossier(pupil)
    make_form(pupil, answers={"schoolsoort": "havo", "gedoubleerd": "ja"})
    page = decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    assert 'data-testid="take-over-all"' in page
    assert "staat een antwoord op een vraag van deze stap die hier nog leeg is" in page  # verwacht_diploma only
    # Filled fields keep their own answer; the pupil's different one is still offered one by one.
    assert 'data-testid="suggested-schoolsoort">vmbo<' in page and 'data-testid="suggested-gedoubleerd">Nee<' in page

    decaan.post(form_url(pupil), posted(pupil, "vooropleiding", "overnemen-alle"))
    # Not the schoolsoort nor gedoubleerd (filled), not the leerweg (hidden: the form's schoolsoort is havo).
    assert draft_of(pupil) == {"verwacht_diploma": "vmbo_kb"}
    page = decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    assert 'data-testid="take-over-all"' not in page

    # On an empty form "alle" takes every answer, those shown by another answer taken over with it as well.
    other = PupilFactory(school=pupil.school, group=pupil.group)
    a_dossier(other)
    decaan.post(form_url(other), posted(other, "vooropleiding", "overnemen-alle"))
    assert draft_of(other) == {
        "schoolsoort": "vmbo",
        "leerweg": "kb",
        "profiel": "zw",
        "verwacht_diploma": "vmbo_kb",
        "gedoubleerd": "nee",
    }


def test_typed_input_in_the_same_post_is_not_overwritten_by_alle(decaan, pupil):
    a_dossier(pupil)
    decaan.post(form_url(pupil), step_data("vooropleiding", "overnemen-alle", verwacht_diploma="havo"))
    values = draft_of(pupil)
    assert values["verwacht_diploma"] == "havo" and values["schoolsoort"] == "vmbo"


def test_care_steps_only_for_who_has_care_rights(client, demo, pupil, monkeypatch):
    a_dossier(pupil)
    # The decaan fills in care steps: the pupil's help and dyslexieverklaring are offered there.
    login_as(client, demo["decaan.vo1"])
    page = client.get(form_url(pupil, "ondersteuning")).content.decode()
    assert 'data-testid="suggestion-hulp"' in page and 'data-testid="suggestion-dyslexieverklaring"' in page

    # A mentor without care rights (FormRights say so) sees no care step and so no suggestion on it, and a posted
    # "Overnemen" for a care field takes nothing.
    monkeypatch.setitem(ROLE_RIGHTS, Role.MENTOR, FormRights(read=True, read_drafts=True, fill=True, mail=True))
    login_as(client, demo["mentor.vo1"])
    page = client.get(form_url(pupil, "ondersteuning")).content.decode()
    assert "Ondersteuning" not in page and 'data-testid="suggestion-hulp"' not in page  # the first step instead
    assert 'data-testid="suggestion-schoolsoort"' in client.get(form_url(pupil, "vooropleiding")).content.decode()
    client.post(form_url(pupil), posted(pupil, "ondersteuning", "overnemen:hulp"))
    client.post(form_url(pupil), posted(pupil, "ondersteuning", "overnemen-alle"))
    assert "hulp" not in draft_of(pupil)

    # The zorgcoördinator fills in the care steps only: suggestions there, none on the steps they only read.
    login_as(client, demo["zorg.vo1"])
    assert 'data-testid="suggestion-hulp"' in client.get(form_url(pupil, "ondersteuning")).content.decode()
    page = client.get(form_url(pupil, "vooropleiding")).content.decode()
    assert 'data-testid="step-read-only"' in page and SOURCE not in page
    client.post(form_url(pupil), posted(pupil, "vooropleiding", "overnemen:schoolsoort"))
    assert not FormDraft.objects.filter(user=demo["zorg.vo1"], values__has_key="schoolsoort").exists()


def test_no_dossier_no_suggestions_and_never_another_pupils(decaan, pupil):
    page = decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    assert SOURCE not in page and 'data-testid="take-over-all"' not in page
    pupil_account(pupil)  # an account without a dossier: nothing either
    assert SOURCE not in decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    classmate = PupilFactory(school=pupil.school, group=pupil.group)
    a_dossier(classmate)
    assert SOURCE not in decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    decaan.post(form_url(pupil), posted(pupil, "vooropleiding", "overnemen-alle"))
    assert draft_of(pupil) == {}
    assert not AuditEntry.objects.filter(pupil_id=pupil.pk, summary__contains="doorstroomdossier").exists()


def test_the_dossier_that_went_past_part_a_comes_first(decaan, pupil):
    sent = a_dossier(pupil, {"schoolsoort": "vmbo"}, state=DossierState.AKKOORD)
    newer = start_dossier(account=sent.account, kind="vo-mbo")  # a new one, still in part A
    newer.answers.update(schoolsoort="havo")
    newer.save()
    assert 'data-testid="suggested-schoolsoort">vmbo<' in decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    sent.state = DossierState.DEEL_A
    sent.save()  # neither went past part A: the newest
    assert 'data-testid="suggested-schoolsoort">havo<' in decaan.get(form_url(pupil, "vooropleiding")).content.decode()


def test_a_value_the_form_does_not_offer_is_not_suggested(decaan, pupil):
    # A later version of the dossier offers a schoolsoort the school's form does not have.
    document = copy.deepcopy(json.loads((SHIPPED / "vo-mbo.json").read_text(encoding="utf-8")))
    herkomst = next(page for page in document["part_a"] if page["key"] == "herkomst")
    schoolsoort = next(f for f in herkomst["fields"] if f["key"] == "schoolsoort")
    schoolsoort["choices"].append(["mbo", "mbo (ik zit al op het mbo)"])
    dossier = a_dossier(pupil, {"schoolsoort": "mbo", "verwacht_diploma": "havo"})
    dossier.declaration = load(document=document, source="test").declaration
    dossier.save()
    page = decaan.get(form_url(pupil, "vooropleiding")).content.decode()
    assert 'data-testid="suggestion-schoolsoort"' not in page and 'data-testid="suggestion-verwacht_diploma"' in page
    decaan.post(form_url(pupil), posted(pupil, "vooropleiding", "overnemen:schoolsoort"))
    assert draft_of(pupil) == {}


def test_what_fits_a_field_of_the_form(pupil):
    spec = declaration_for(pupil).parsed()
    own = start_dossier(account=pupil_account(pupil), kind="vo-mbo").spec
    examenvakken, motivatie = spec.fields["examenvakken"], spec.fields["motivatie"]
    assert fitting(examenvakken, own.field("examenvakken"), ["ne", "wi"]) == ["ne", "wi"]
    assert fitting(examenvakken, own.field("examenvakken"), ["ne", "latijn"]) is None  # not offered by the form
    assert fitting(motivatie, own.field("motivatie_opleiding"), "  Ik wil koken.  ") == "Ik wil koken."
    assert fitting(motivatie, own.field("gedoubleerd_toelichting"), "tekst") is None  # text is no textarea
    assert fitting(spec.fields["gedoubleerd_toelichting"], own.field("gedoubleerd_toelichting"), "x" * 201) is None
    stages = spec.fields["stages"]
    assert fitting(stages, own.field("stages"), [{"bedrijf": "A", "onbekend": "B"}]) is None  # a column it lacks
    assert fitting(spec.fields["schoolsoort"], own.field("schoolsoort"), "") is None


def test_the_page_spends_the_same_queries_whatever_the_dossier_holds(decaan, pupil):
    def count() -> int:
        url = form_url(pupil, "vooropleiding")
        decaan.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = decaan.get(url)
        assert response.status_code == 200
        return len(captured)

    without = count()
    dossier = a_dossier(pupil, {"schoolsoort": "vmbo"})
    few = count()
    dossier.answers.update(PUPILS_ANSWERS)
    dossier.save()
    many = count()
    # The dossier is read once (whether there is one or not); its shown answers are logged with the page view.
    assert without == few == many
