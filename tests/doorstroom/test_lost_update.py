"""Two people on the same step: a save writes only what its page changed, measured against what that page
showed (not against what is saved when it is posted); a field both changed is a conflict the second one sees,
with both values and a choice, and nothing is lost."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from doorstroom.models import FormDraft, Formulier
from tests.conftest import login_as
from tests.doorstroom.conftest import posted
from tests.doorstroom.helpers import make_form


def form_url(pupil, step: str = "") -> str:
    url = reverse("doorstroom:formulier", args=[pupil.pk])
    return f"{url}?stap={step}" if step else url


def open_step(client, pupil, step: str) -> dict:
    """What the browser will post for ``step`` as it shows it now (its values and what it was built from)."""
    page = client.get(form_url(pupil, step)).content.decode()
    token = re.search(r'name="getoond" value="([^"]+)"', page)
    return {"getoond": token.group(1)} if token else {}


@pytest.fixture
def two(demo):
    decaan, mentor = Client(), Client()
    login_as(decaan, demo["decaan.vo1"])
    login_as(mentor, demo["mentor.vo1"])
    return decaan, mentor


@pytest.mark.django_db
def test_a_stale_page_does_not_revert_a_field_it_did_not_change(two, pupil):
    decaan, mentor = two
    make_form(pupil, answers={"beroepswens": "Kok", "motivatie": "Houdt van koken"})
    # The decaan opens the step; what their browser will post is what it shows now.
    page_a = open_step(decaan, pupil, "loopbaan")
    data_a = posted(pupil, "loopbaan", "opslaan")
    # The mentor changes the beroepswens and saves.
    mentor.post(
        form_url(pupil),
        {**open_step(mentor, pupil, "loopbaan"), **posted(pupil, "loopbaan", "opslaan", beroepswens="Bakker")},
    )
    assert Formulier.objects.get(pupil=pupil).answers["beroepswens"] == "Bakker"
    # The decaan changes the motivatie on the page they opened before, and saves.
    decaan.post(form_url(pupil), {**page_a, **data_a, "a-motivatie": "Wil met mensen werken"})
    answers = Formulier.objects.get(pupil=pupil).answers
    assert answers["beroepswens"] == "Bakker"  # the mentor's change stands
    assert answers["motivatie"] == "Wil met mensen werken"  # and the decaan's is saved
    assert not FormDraft.objects.exists()  # nothing held back


@pytest.mark.django_db
def test_a_field_both_changed_is_a_conflict_the_second_sees_and_chooses(two, pupil):
    decaan, mentor = two
    make_form(pupil, answers={"beroepswens": "Kok"})
    page_a = open_step(decaan, pupil, "loopbaan")
    data_a = posted(pupil, "loopbaan", "opslaan")
    mentor.post(
        form_url(pupil),
        {**open_step(mentor, pupil, "loopbaan"), **posted(pupil, "loopbaan", "opslaan", beroepswens="Bakker")},
    )
    decaan.post(form_url(pupil), {**page_a, **data_a, "a-beroepswens": "Kok en bakker"})
    # The mentor's value stays saved until the decaan chooses …
    assert Formulier.objects.get(pupil=pupil).answers["beroepswens"] == "Bakker"
    page = decaan.get(form_url(pupil, "loopbaan")).content.decode()
    assert 'data-testid="conflict-beroepswens"' in page
    assert "uw waarde: “Kok en bakker”" in page
    assert "de waarde van Sanne de Vries van " in page and ": “Bakker”" in page
    # … saving again without a choice still saves nothing of that field …
    choice_page = open_step(decaan, pupil, "loopbaan")
    data = {**choice_page, **posted(pupil, "loopbaan", "opslaan", beroepswens="Kok en bakker")}
    decaan.post(form_url(pupil), data)
    assert Formulier.objects.get(pupil=pupil).answers["beroepswens"] == "Bakker"
    # … and with "uw waarde" chosen the decaan's value is saved.
    decaan.post(form_url(pupil), {**open_step(decaan, pupil, "loopbaan"), **data, "keuze-beroepswens": "mijn"})
    assert Formulier.objects.get(pupil=pupil).answers["beroepswens"] == "Kok en bakker"
    assert not FormDraft.objects.exists()


@pytest.mark.django_db
def test_choosing_the_other_value_keeps_it_and_drops_ones_own(two, pupil):
    decaan, mentor = two
    make_form(pupil, answers={"beroepswens": "Kok"})
    page_a, data_a = open_step(decaan, pupil, "loopbaan"), posted(pupil, "loopbaan", "opslaan")
    mentor.post(
        form_url(pupil),
        {**open_step(mentor, pupil, "loopbaan"), **posted(pupil, "loopbaan", "opslaan", beroepswens="Bakker")},
    )
    decaan.post(form_url(pupil), {**page_a, **data_a, "a-beroepswens": "Kok en bakker"})
    data = {**open_step(decaan, pupil, "loopbaan"), **posted(pupil, "loopbaan", "opslaan", beroepswens="Kok en bakker")}
    decaan.post(form_url(pupil), {**data, "keuze-beroepswens": "hun"})
    assert Formulier.objects.get(pupil=pupil).answers["beroepswens"] == "Bakker"
    assert not FormDraft.objects.exists()


@pytest.mark.django_db
def test_verder_on_a_stale_page_keeps_the_base_of_what_was_shown(two, pupil):
    """The working copy measures a change against what the page showed when the user made it, whichever step
    they save from later."""
    decaan, mentor = two
    make_form(pupil, answers={"beroepswens": "Kok", "motivatie": "Houdt van koken"})
    page_a, data_a = open_step(decaan, pupil, "loopbaan"), posted(pupil, "loopbaan", "verder")
    mentor.post(
        form_url(pupil),
        {**open_step(mentor, pupil, "loopbaan"), **posted(pupil, "loopbaan", "opslaan", beroepswens="Bakker")},
    )
    decaan.post(form_url(pupil), {**page_a, **data_a, "a-motivatie": "Wil met mensen werken"})
    decaan.post(form_url(pupil), {**open_step(decaan, pupil, "advies"), **posted(pupil, "advies", "opslaan")})
    answers = Formulier.objects.get(pupil=pupil).answers
    assert answers["beroepswens"] == "Bakker" and answers["motivatie"] == "Wil met mensen werken"
