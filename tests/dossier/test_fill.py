"""The pupil's own dossier, part A: a new dossier of each kind, its pages with their percentages, saving (also input
that is not valid yet), the vervolgkeuze from the catalogue, copying the answers into a new dossier, and 404 on any
dossier that is not the pupil's own."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEntry
from doorstroom.declaration import DATE
from doorstroom.engine import evaluate
from doorstroom.forms import field_name
from dossier.filling import progress_of, start_dossier
from dossier.models import Dossier
from students.models import Location, Opleiding
from tests.dossier.helpers import page_post, pupil_account, valid_answer
from tests.factories import OpleidingFactory, PupilFactory, valid_bsn

pytestmark = pytest.mark.django_db

PAGES = [
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


def client_of(account) -> Client:
    client = Client()
    client.force_login(account.user)
    return client


def url(dossier, page: str = "") -> str:
    return reverse("leerling:dossier", args=[dossier.pk]) + (f"?pagina={page}" if page else "")


def post_page(client, dossier, step, answers, action="verder", **extra):
    return client.post(url(dossier), page_post(step, answers, actie=action, **extra))


def fill_page(client, dossier, step) -> dict:
    """Answer every question the page shows (again after each answer shows more), through the page's own form."""
    answers: dict = {}
    for _round in range(4):
        dossier.refresh_from_db()
        shown = evaluate(dossier.spec.part_a, {**dossier.answers, **answers}).of(step.key).fields
        new = {f.key: valid_answer(f) for f in shown if f.is_answer and f.key not in answers}
        if not new:
            break
        answers.update(new)
        response = post_page(client, dossier, step, answers, action="blijf")
        assert response.status_code == 302, response.content.decode()[:2000]
    return answers


@pytest.fixture
def pupil(db):
    return PupilFactory(
        bsn=valid_bsn(4242), geboortedatum=datetime.date(2011, 3, 14), postcode="2517 AB", woonplaats="Den Haag"
    )


@pytest.fixture
def account(pupil):
    return pupil_account(pupil)


@pytest.fixture
def catalogue(db):
    """An mbo-school with two locations: Kok at both, Bakker at one."""
    kok = OpleidingFactory(name="Kok", niveau=2)
    school = kok.school
    school.name = "ROC de Leijgraaf"
    school.save()
    veghel = Location.objects.create(school=school, name="Veghel", plaats="Veghel")
    oss = Location.objects.create(school=school, name="Oss", plaats="Oss")
    kok.locations.set([veghel, oss])
    bakker = OpleidingFactory(school=school, name="Bakker", niveau=3, crebo="25180")
    bakker.locations.set([oss])
    return {"school": school, "veghel": veghel, "oss": oss, "kok": kok, "bakker": bakker}


def test_a_new_dossier_starts_with_what_the_school_knows_and_never_the_bsn(account, pupil):
    client = client_of(account)
    page = client.get(reverse("leerling:nieuw")).content.decode()
    for title in ("VO-MBO dossier", "MBO-MBO dossier", "Werk(loos)-MBO dossier"):
        assert title in page
    response = client.post(reverse("leerling:nieuw"), {"soort": "vo-mbo"})
    dossier = Dossier.objects.get(account=account)
    assert response.url == reverse("leerling:dossier", args=[dossier.pk])
    assert dossier.declaration.kind == "vo-mbo" and dossier.declaration.version == 1
    spec = dossier.spec
    assert [p.key for p in spec.pages] == PAGES
    for key, source in spec.prefill.items():
        if source == "pupil.geboortedatum":
            assert dossier.answers[key] == "2011-03-14"
        if source == "pupil.postcode":
            assert dossier.answers[key] == "2517 AB"
    first = client.get(response.url).content.decode()
    assert pupil.full_name in first and "bekend bij je school" in first
    assert valid_bsn(4242) not in first
    assert AuditEntry.objects.filter(action=Action.CREATE, pupil_id=pupil.pk, summary__contains="dossier").exists()


def test_the_percentage_of_a_partly_filled_page_counts_its_required_questions(account):
    client = client_of(account)
    dossier = start_dossier(account=account, kind="vo-mbo")
    step = dossier.spec.page("competenties")
    required = [f for f in step.fields if f.required]
    assert len(required) >= 4
    half = {f.key: valid_answer(f) for f in required[: len(required) // 2]}
    post_page(client, dossier, step, half)
    dossier.refresh_from_db()
    expected = int(100 * (len(required) // 2) / len(required))
    progress = progress_of(dossier)
    assert progress.questions.of("competenties").percent == expected
    page = client.get(url(dossier, "competenties")).content.decode()
    assert f"{expected}% ingevuld" in page
    # The total counts every shown required question of part A and the vervolgkeuze.
    assert dossier.percent == int(100 * progress.filled / progress.required)
    assert 0 < dossier.percent < 100


def test_input_that_is_not_valid_yet_is_kept_and_named_per_page(account):
    client = client_of(account)
    dossier = start_dossier(account=account, kind="vo-mbo")
    step = dossier.spec.page("persoonlijke_gegevens")
    date_field = next(f for f in step.fields if f.type == DATE)
    answers = {f.key: dossier.answers.get(f.key) for f in step.fields}
    data = page_post(step, answers, actie="verder")
    data[field_name(date_field.key)] = "31-02-2011"
    response = client.post(url(dossier), data)
    assert response.url == url(dossier, "persoonlijke_gegevens")  # "Volgende" stays until it is right
    page = client.get(response.url).content.decode()
    assert "31-02-2011" in page and "bestaat niet" in page
    data["actie"] = "opslaan"
    assert client.post(url(dossier), data).url == reverse("leerling:home")
    dossier.refresh_from_db()
    assert dossier.invalid[date_field.key] == ["31-02-2011"]
    home = client.get(reverse("leerling:home")).content.decode()
    assert "nog niet goed ingevuld" in home and step.title in home and date_field.label in home
    data[field_name(date_field.key)] = "28-02-2011"
    data["actie"] = "verder"
    assert client.post(url(dossier), data).url == url(dossier, "familie")
    dossier.refresh_from_db()
    assert dossier.invalid == {} and dossier.answers[date_field.key] == "2011-02-28"


def test_grey_example_text_is_a_placeholder_and_never_an_answer(account):
    client = client_of(account)
    dossier = start_dossier(account=account, kind="mbo-mbo")
    step = dossier.spec.page("persoonlijke_gegevens")
    with_example = [f for f in step.fields if f.placeholder]
    assert with_example
    page = client.get(url(dossier, step.key)).content.decode()
    for fld in with_example:
        assert f'placeholder="{fld.placeholder}"' in page
    post_page(client, dossier, step, {})  # the page sent as shown: its examples are not sent
    dossier.refresh_from_db()
    assert all(fld.key not in dossier.answers for fld in with_example)


def test_rows_are_added_and_removed_on_the_page(account):
    client = client_of(account)
    dossier = start_dossier(account=account, kind="vo-mbo")
    step = dossier.spec.page("ervaring")
    rows_field = next(f for f in step.fields if f.type == "rows")
    response = post_page(client, dossier, step, {}, action=f"rij:{rows_field.key}")
    assert response.status_code == 200 and f"{rows_field.row_label} 1" in response.content.decode()
    two = [valid_answer(rows_field)[0], {c.key: valid_answer(c) for c in rows_field.columns}]
    two[1][rows_field.columns[0].key] = "Tweede"
    post_page(client, dossier, step, {rows_field.key: two}, action="blijf")
    dossier.refresh_from_db()
    assert len(dossier.answers[rows_field.key]) == 2
    post_page(client, dossier, step, {rows_field.key: two}, action=f"rij-weg:{rows_field.key}:0")
    dossier.refresh_from_db()
    assert [row[rows_field.columns[0].key] for row in dossier.answers[rows_field.key]] == ["Tweede"]


def test_the_vervolgkeuze_school_then_location_then_opleiding_then_confirmed(account, catalogue):
    client = client_of(account)
    dossier = start_dossier(account=account, kind="vo-mbo")
    choice = dossier.spec.choice
    found = client.get(reverse("leerling:zoeken", args=[dossier.pk]), {"wat": "school", "zoek_school": "leij"})
    assert "ROC de Leijgraaf" in found.content.decode()
    nothing = client.get(reverse("leerling:zoeken", args=[dossier.pk]), {"wat": "school", "zoek_school": "xyzzy"})
    assert "Geen mbo-school gevonden" in nothing.content.decode()
    # Without JavaScript: "Zoek" posts the page and shows the same results.
    searched = client.post(url(dossier), {"stap": choice.key, "actie": "zoek", "zoek_school": "leij"})
    assert "ROC de Leijgraaf" in searched.content.decode()
    client.post(url(dossier), {"stap": choice.key, "actie": f"kies-school:{catalogue['school'].pk}"})
    dossier.refresh_from_db()
    assert dossier.mbo_school == catalogue["school"] and dossier.location is None
    assert progress_of(dossier).choice.percent == 25
    # An opleiding before a location, or one not given at the chosen location, is refused with a reason.
    refused = client.post(url(dossier), {"stap": choice.key, "actie": f"kies-opleiding:{catalogue['kok'].pk}"})
    assert "Kies eerst een locatie" in client.get(refused.url).content.decode()
    client.post(url(dossier), {"stap": choice.key, "actie": f"kies-locatie:{catalogue['veghel'].pk}"})
    refused = client.post(url(dossier), {"stap": choice.key, "actie": f"kies-opleiding:{catalogue['bakker'].pk}"})
    assert "niet gegeven op de school en locatie" in client.get(refused.url).content.decode()
    page = client.get(url(dossier, choice.key)).content.decode()
    assert "Kok" in page and "Bakker" not in page  # only what is given in Veghel
    client.post(url(dossier), {"stap": choice.key, "actie": f"kies-opleiding:{catalogue['kok'].pk}"})
    client.post(url(dossier), {"stap": choice.key, "actie": "bevestig"})
    dossier.refresh_from_db()
    assert dossier.choice_confirmed and "Kok" in dossier.choice_text and "Veghel" in dossier.choice_text
    assert progress_of(dossier).choice.complete
    # Another location of another school is not a location of the chosen school.
    other = Location.objects.create(school=OpleidingFactory().school, name="Elders", plaats="Elders")
    refused = client.post(url(dossier), {"stap": choice.key, "actie": f"kies-locatie:{other.pk}"})
    dossier.refresh_from_db()
    assert dossier.location == catalogue["veghel"] and dossier.choice_confirmed


def fill_part_a(client, dossier, catalogue) -> None:
    for step in dossier.spec.part_a.steps:
        fill_page(client, dossier, step)
    choice = dossier.spec.choice.key
    client.post(url(dossier), {"stap": choice, "actie": f"kies-school:{catalogue['school'].pk}"})
    client.post(url(dossier), {"stap": choice, "actie": f"kies-locatie:{catalogue['oss'].pk}"})
    client.post(url(dossier), {"stap": choice, "actie": f"kies-opleiding:{catalogue['bakker'].pk}"})
    client.post(url(dossier), {"stap": choice, "actie": "bevestig"})
    dossier.refresh_from_db()


@pytest.mark.parametrize("kind", ["vo-mbo", "mbo-mbo", "werkloos-mbo"])
def test_every_kind_can_be_filled_to_100_percent(kind, catalogue, pupil):
    account = pupil_account(pupil if kind == "vo-mbo" else None)
    client = client_of(account)
    response = client.post(reverse("leerling:nieuw"), {"soort": kind})
    dossier = Dossier.objects.get(account=account)
    assert response.url == url(dossier)
    fill_part_a(client, dossier, catalogue)
    assert dossier.percent == 100, [(s.step.key, s.percent) for s in progress_of(dossier).questions.shown_steps]
    last = dossier.spec.pages[-1].key
    page = client.get(url(dossier, last)).content.decode()
    assert "Alles staat op 100%" in page
    assert "100% ingevuld" in client.get(reverse("leerling:home")).content.decode()


def test_a_new_dossier_copies_every_answer_of_part_a(account, catalogue):
    client = client_of(account)
    first = start_dossier(account=account, kind="vo-mbo")
    fill_part_a(client, first, catalogue)
    response = client.post(reverse("leerling:nieuw"), {"soort": "vo-mbo", "overnemen": str(first.pk)})
    second = Dossier.objects.exclude(pk=first.pk).get(account=account)
    assert response.url == url(second)
    keys = first.spec.answer_keys_a()
    assert {k: first.answers.get(k) for k in keys} == {k: second.answers.get(k) for k in keys}
    assert len([k for k in keys if k in second.answers]) >= 20
    assert second.copied_from == first and second.mbo_school is None and not second.choice_confirmed
    assert second.percent < 100  # the vervolgkeuze is chosen again
    # "niets overnemen": only what the school knows.
    client.post(reverse("leerling:nieuw"), {"soort": "vo-mbo", "overnemen": "niets"})
    third = Dossier.objects.filter(account=account).order_by("-pk").first()
    assert set(third.answers) == set(third.spec.prefill)


def test_a_copy_into_another_kind_carries_the_questions_it_shares(catalogue):
    account = pupil_account(None)
    client = client_of(account)
    first = start_dossier(account=account, kind="werkloos-mbo")
    fill_part_a(client, first, catalogue)
    second = start_dossier(account=account, kind="mbo-mbo", copy_from=first)
    shared = set(first.spec.answer_keys_a()) & set(second.spec.answer_keys_a())
    assert shared and all(second.answers.get(k) == first.answers.get(k) for k in shared if k in first.answers)


def test_another_pupils_dossier_does_not_exist_for_a_pupil(account, catalogue):
    other = start_dossier(account=pupil_account(PupilFactory()), kind="vo-mbo")
    client = client_of(account)
    step = other.spec.page("familie")
    assert client.get(url(other)).status_code == 404
    assert (
        post_page(client, other, step, {f.key: valid_answer(f) for f in step.fields if f.is_answer}).status_code == 404
    )
    assert client.get(reverse("leerling:zoeken", args=[other.pk]), {"wat": "school"}).status_code == 404
    other.refresh_from_db()
    assert not any(k in other.answers for k in (f.key for f in step.fields))
    # Nor can the pupil copy another pupil's answers.
    response = client.post(reverse("leerling:nieuw"), {"soort": "vo-mbo", "overnemen": str(other.pk)})
    assert not Dossier.objects.filter(account=account).exists()
    assert "Kies uit welk dossier" in client.get(response.url).content.decode()


def test_staff_do_not_open_the_pupils_pages(decaan_client, account):
    dossier = start_dossier(account=account, kind="vo-mbo")
    assert decaan_client.get(url(dossier)).status_code == 403


def test_each_save_is_audited_without_the_answers(account):
    client = client_of(account)
    dossier = start_dossier(account=account, kind="vo-mbo")
    step = dossier.spec.page("motivatie")
    answers = {f.key: "Ik wil graag kok worden" for f in step.fields if f.type == "textarea"}
    post_page(client, dossier, step, answers)
    entry = AuditEntry.objects.filter(action=Action.CHANGE, pupil_id=account.pupil_id).latest("pk")
    assert step.title in entry.summary and "kok worden" not in entry.summary


def test_home_lists_the_dossiers_in_a_constant_number_of_queries(account, catalogue, django_assert_max_num_queries):
    client = client_of(account)
    start_dossier(account=account, kind="vo-mbo")
    client.get(reverse("leerling:home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("leerling:home")).status_code == 200
    for kind in ("mbo-mbo", "werkloos-mbo", "vo-mbo"):
        start_dossier(account=account, kind=kind)
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("leerling:home"))
    assert page.content.decode().count('data-testid="dossier-state"') == 4
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]


def test_opleidingen_no_longer_offered_are_not_found(account, catalogue):
    dossier = start_dossier(account=account, kind="vo-mbo")
    Opleiding.objects.filter(pk=catalogue["bakker"].pk).update(active=False)
    client = client_of(account)
    client.post(url(dossier), {"stap": "vervolgkeuze", "actie": f"kies-school:{catalogue['school'].pk}"})
    client.post(url(dossier), {"stap": "vervolgkeuze", "actie": f"kies-locatie:{catalogue['oss'].pk}"})
    found = client.get(reverse("leerling:zoeken", args=[dossier.pk]), {"wat": "opleiding", "zoek_opleiding": "ba"})
    assert "Bakker" not in found.content.decode()


def test_buttons_with_a_number_that_is_no_number_change_nothing(account, catalogue):
    """ "²" and "٣" pass str.isdigit: a posted id or row index of such characters is ignored, never a 500."""
    client = client_of(account)
    dossier = start_dossier(account=account, kind="vo-mbo")
    step = dossier.spec.page("ervaring")
    for action in ("kies-school:²", "kies-locatie:٣", "kies-opleiding:99999999999999999999999"):
        response = client.post(url(dossier), {"stap": "vervolgkeuze", "actie": action})
        assert response.status_code == 302
    for action, extra in (("rij-weg:stages:²", {}), ("rij:stages", {"a-stages-TOTAL_FORMS": "abc"})):
        data = {**page_post(step, {}, actie=action), **extra}
        assert client.post(url(dossier), data).status_code in (200, 302)
    dossier.refresh_from_db()
    assert dossier.mbo_school is None


def test_a_date_the_browser_could_not_read_keeps_the_saved_date_and_says_why(account):
    """The page's script sends "?" for a date field whose input the browser could not read (31-02): never an empty
    field that would silently remove the date saved before."""
    client = client_of(account)
    dossier = start_dossier(account=account, kind="vo-mbo")
    step = dossier.spec.page("persoonlijke_gegevens")
    date_field = next(f for f in step.fields if f.type == DATE)
    saved = dossier.answers[date_field.key]
    data = page_post(step, dossier.answers, actie="opslaan")
    data[field_name(date_field.key)] = "?"
    client.post(url(dossier), data)
    dossier.refresh_from_db()
    assert dossier.answers[date_field.key] == saved and dossier.invalid[date_field.key] == ["?"]
    page = client.get(url(dossier, step.key)).content.decode()
    assert "Deze datum bestaat niet" in page


def test_a_pupil_without_a_school_starts_with_the_birth_date_they_registered_with(db):
    from dossier.models import Registration

    account = pupil_account(None)
    Registration.objects.create(
        kind="zelf", voornaam="Noor", achternaam="Zonderschool", geboortedatum=datetime.date(2007, 6, 1),
        email=account.user.email, status="actief", user=account.user,
    )  # fmt: skip
    dossier = start_dossier(account=account, kind="werkloos-mbo")
    key = next(k for k, source in dossier.spec.prefill.items() if source == "pupil.geboortedatum")
    assert dossier.answers[key] == "2007-06-01"
    assert not {k for k, source in dossier.spec.prefill.items() if source != "pupil.geboortedatum"} & set(
        dossier.answers
    )
