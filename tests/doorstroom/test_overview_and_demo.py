"""The form's state icon in Leerling overzicht and on the pupil's page (with a legend, no query per row), the
demo forms in every state, and the benchmark."""

import pytest
from django.urls import reverse

from doorstroom.models import Delivery, Formulier, Snapshot
from doorstroom.services import approve, refresh_state
from students.aanmeldingen import add_aanmelding
from students.formstate import ICONS
from tests.conftest import login_as
from tests.doorstroom.helpers import complete_answers, complete_form, declaration_for, make_form
from tests.factories import PupilFactory

OVERVIEW = reverse("students:overzicht")


def test_the_overview_knows_every_state_of_a_form():
    assert set(Formulier.State.values) | {"vergrendeld"} == set(ICONS)


@pytest.mark.django_db
def test_each_pupil_shows_the_state_of_the_current_form(client, demo, school, group, opleiding1, committed):
    none = PupilFactory(school=school, group=group, achternaam="Aaa")
    partly = PupilFactory(school=school, group=group, achternaam="Bbb")
    make_form(partly, answers={"beroepswens": "Kok"})
    complete = PupilFactory(school=school, group=group, achternaam="Ccc")
    complete_form(complete)
    approved = PupilFactory(school=school, group=group, achternaam="Ddd")
    committed(approve, form=complete_form(approved), by=demo["decaan.vo1"])
    sent = PupilFactory(school=school, group=group, achternaam="Eee")
    add_aanmelding(pupil=sent, opleiding=opleiding1, source="feed")
    committed(approve, form=complete_form(sent), by=demo["decaan.vo1"])
    login_as(client, demo["mentor.vo1"])
    rows = client.get(OVERVIEW).context["rows"]
    assert [(r.pupil.achternaam, r.form.key) for r in rows] == [
        ("Aaa", "nieuw"),
        ("Bbb", "deels"),
        ("Ccc", "compleet"),
        ("Ddd", "geaccordeerd"),
        ("Eee", "verzonden"),
    ]
    html = client.get(OVERVIEW).content.decode()
    assert 'data-testid="form-legend"' in html and "Doorstroomformulier: compleet en geaccordeerd" in html
    assert f'href="{reverse("doorstroom:formulier", args=[partly.pk])}"' in html
    page = client.get(reverse("students:leerling", args=[sent.pk])).content.decode()
    assert 'data-testid="form-panel"' in page and "Verzonden naar het mbo" in page
    assert none.pk  # a pupil without a form is "nog niet gestart"


@pytest.mark.django_db
def test_a_correction_shows_its_version_in_the_overview(client, demo, pupil, opleiding1, committed):
    from doorstroom.services import start_correction

    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = complete_form(pupil)
    committed(approve, form=form, by=demo["decaan.vo1"])
    start_correction(form=form, by=demo["decaan.vo1"])
    login_as(client, demo["decaan.vo1"])
    [row] = client.get(OVERVIEW).context["rows"]
    assert (row.form.key, row.form.version, row.form.correction) == ("compleet", 2, True)


@pytest.mark.django_db
def test_the_overview_with_forms_keeps_its_number_of_queries(
    client, demo, school, group, opleiding2, django_assert_num_queries
):
    from tests.conftest import session_queries

    login_as(client, demo["decaan.vo1"])
    for _n in range(3):
        pupil = PupilFactory(school=school, group=group)
        add_aanmelding(pupil=pupil, opleiding=opleiding2)
        make_form(pupil, answers={"beroepswens": "Kok"}, lob=False)
    client.get(OVERVIEW)
    # The same as without forms (tests/students/test_overview.py): (session,) user, organisation, groups,
    # pupils with their group and the state of their current form (a join), aanmeldingen, history, Elders,
    # the gemeente's reports and remarks, the audit log's line for the pupils shown; for the decaan, whether the
    # school follows pupils of another school ("Gekoppelde leerlingen").
    expected = session_queries() + 11
    with django_assert_num_queries(expected):
        client.get(OVERVIEW)
    for _n in range(12):
        make_form(PupilFactory(school=school, group=group), answers={"beroepswens": "Kok"}, lob=False)
    with django_assert_num_queries(expected):
        response = client.get(OVERVIEW)
    assert len(response.context["rows"]) == 15


@pytest.mark.django_db
def test_seed_demo_fills_forms_in_every_state(demo_pupils):
    states = set(Formulier.objects.values_list("state", flat=True))
    assert states == set(Formulier.State.values) - {"nieuw"}
    assert Delivery.objects.filter(mbo_school__code="25AA").exists()  # roc.mbo1 received forms
    second = Formulier.objects.filter(version=2, state=Formulier.State.VERZONDEN).first()
    assert second is not None and Snapshot.objects.filter(form__pupil=second.pupil).count() == 2
    assert Formulier.objects.filter(version=2, is_current=True).exclude(state=Formulier.State.VERZONDEN).exists()
    from students.listing import PupilListing
    from students.schoolyear import current_school_year

    keys = {
        row.form.key
        for user in ("decaan.vo1", "decaan.vo2")
        for row in PupilListing(user=demo_pupils[user], year=current_school_year(), params={}).rows()
    }
    assert keys == set(ICONS)  # every icon, "vergrendeld" and "nog niet gestart" included
    # Only states the app can reach: no approved form waits while its pupil has applied somewhere.
    from doorstroom.sending import pupils_missing_a_delivery

    assert pupils_missing_a_delivery() == []
    assert Formulier.objects.filter(state=Formulier.State.GEACCORDEERD).exists()
    # mentor.vo1 has forms to work on in their own groups.
    assert Formulier.objects.filter(pupil__group__mentor_grants__user=demo_pupils["mentor.vo1"]).count() >= 5


@pytest.mark.django_db
def test_the_form_pdf_benchmark_prints_figures_limits_and_ratios():
    from voroc.bench.form_pdf import form_pdf

    result = form_pdf(forms=3)
    assert result["forms"] == 3 and result["one_pdf_bytes"] > 5000
    for name in ("one_pdf", "bundle"):
        expected = result[f"{name}_seconds"] / result[f"{name}_limit_seconds"]
        assert result[f"{name}_ratio"] == pytest.approx(expected, abs=0.002)
    assert not Formulier.objects.exists()  # generated inside a transaction that was rolled back
    from voroc.management.commands.bench import BENCHMARKS

    assert BENCHMARKS["form_pdf"] == "voroc.bench.form_pdf.form_pdf"


@pytest.mark.django_db
def test_the_zorgcoordinator_finds_the_forms_whose_care_steps_are_still_open(client, demo, school, group):
    none = PupilFactory(school=school, group=group, achternaam="Aaa")
    partly = PupilFactory(school=school, group=group, achternaam="Bbb")
    make_form(partly, answers={"beroepswens": "Kok"})
    care_done = PupilFactory(school=school, group=group, achternaam="Ccc")
    spec = declaration_for(care_done).parsed()
    care_keys = {fld.key for step in spec.steps if step.care for fld in step.fields}
    answers = complete_answers(care_done, doelgroep="isk")  # the ISK step is a care step that must be done too
    make_form(care_done, answers={k: v for k, v in answers.items() if k in care_keys})
    complete = PupilFactory(school=school, group=group, achternaam="Ddd")
    complete_form(complete)
    login_as(client, demo["zorg.vo1"])
    page = client.get(f"{OVERVIEW}?groep={group.pk}&formulier=zorg")
    assert [r.pupil.achternaam for r in page.context["rows"]] == ["Aaa", "Bbb"]
    assert "Zorgstappen nog niet ingevuld" in page.content.decode()
    form = Formulier.objects.get(pupil=care_done)
    assert (form.state, form.care_complete) == ("deels", True)
    # Emptying one answer of the doelgroep's step opens the care steps again.
    isk_key = next(fld.key for step in spec.steps if step.key.endswith("isk") for fld in step.fields if fld.required)
    form.answers.pop(isk_key)
    refresh_state(form, changed=True, by=None)
    form.save()
    assert [r.pupil.achternaam for r in client.get(f"{OVERVIEW}?groep={group.pk}&formulier=zorg").context["rows"]] == [
        "Aaa",
        "Bbb",
        "Ccc",
    ]
    assert none.pk


@pytest.mark.django_db
def test_the_migration_fills_in_the_care_flag_of_the_forms_there_are(school, group):
    import importlib

    from django.apps import apps

    fill_in = importlib.import_module("doorstroom.migrations.0004_care_complete").fill_in
    done, open_ = PupilFactory(school=school, group=group), PupilFactory(school=school, group=group)
    complete_form(done)
    make_form(open_, answers={"beroepswens": "Kok"})
    Formulier.objects.update(care_complete=False)
    fill_in(apps, None)
    assert dict(Formulier.objects.values_list("pupil_id", "care_complete")) == {done.pk: True, open_.pk: False}
