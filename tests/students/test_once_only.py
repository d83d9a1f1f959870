"""A create from a form happens once: a double click and the browser's back button with the same form sent again make
one row, and the user sees the usual result with a word that nothing was added twice. Free text has a maximum: a
longer text is refused with a message naming the field and the limit, and nothing is stored; at the limit it is kept.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.once import REPEAT_WINDOW
from groups.models import Group
from students.models import EXTRA_AANDACHT_MAX, NOTE_MAX, Elders, Pupil, Status, StatusChange
from tests.accounts.test_school_users import DATA as USER
from tests.conftest import login_as
from tests.factories import OpleidingFactory, PupilFactory
from tests.students.test_add_pupil import DATA as PUPIL

TWICE = "Er is niets dubbel vastgelegd."
TODAY = timezone.localdate().isoformat()


@pytest.fixture
def pupil(decaan):
    return PupilFactory(school=decaan.organisation, voornaam="Sem", achternaam="Jansen")


def said(client, response) -> list[str]:
    """The messages the next page shows (a save redirects and leaves them in the session)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def rendered_form(client, url: str) -> dict[str, str]:
    """The hidden fields of the form as the page rendered it (the ``versie`` of an edit form)."""
    page = client.get(url).content.decode()
    return dict(re.findall(r'<input type="hidden" name="(versie)" value="([^"]*)"', page))


def post_twice(client, url: str, data: dict) -> tuple[list[str], list[str]]:
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    first_said = said(client, first)
    second = client.post(url, data)
    assert second.status_code == 302, second.content.decode()[:2000]  # the usual result, no error page
    return first_said, said(client, second)


# --- Elders -----------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_elders_posted_twice_is_kept_once(decaan_client, pupil):
    url = reverse("students:elders", args=[pupil.pk])
    data = {"kind": "werk", "name": "", "date": TODAY, "note": "Gaat werken bij de bakker."}
    first, second = post_twice(decaan_client, url, data)
    assert first == ["De bestemming elders is vastgelegd."]
    assert any(TWICE in text for text in second)
    assert Elders.objects.filter(pupil=pupil).count() == 1


@pytest.mark.django_db
def test_elders_the_old_form_sent_again_after_another_change_is_kept_once(decaan_client, pupil):
    url = reverse("students:elders", args=[pupil.pk])
    old_form = {"kind": "werk", "name": "", "date": TODAY, "note": "Werk."}
    decaan_client.post(url, old_form)
    decaan_client.post(url, {"kind": "havo", "name": "", "date": TODAY, "note": "Toch havo."})
    decaan_client.post(url, old_form)  # back, back, and the first form sent again
    assert list(Elders.objects.filter(pupil=pupil).values_list("kind", flat=True)) == ["werk", "havo"]


@pytest.mark.django_db
def test_elders_the_same_destination_later_is_a_new_entry(decaan_client, pupil):
    url = reverse("students:elders", args=[pupil.pk])
    data = {"kind": "werk", "name": "", "date": TODAY, "note": ""}
    decaan_client.post(url, data)
    Elders.objects.update(created_at=timezone.now() - REPEAT_WINDOW - timezone.timedelta(seconds=1))
    decaan_client.post(url, data)
    assert Elders.objects.filter(pupil=pupil).count() == 2


@pytest.mark.django_db
def test_elders_note_has_a_maximum(decaan_client, pupil):
    url = reverse("students:elders", args=[pupil.pk])
    too_long = decaan_client.post(url, {"kind": "werk", "date": TODAY, "note": "x" * (NOTE_MAX + 1)})
    assert too_long.status_code == 200
    assert f"Toelichting: maximaal {NOTE_MAX} tekens; nu {NOTE_MAX + 1}." in too_long.content.decode()
    assert f'maxlength="{NOTE_MAX}"' in too_long.content.decode()  # the counter's limit, in the page
    assert not Elders.objects.exists()
    assert decaan_client.post(url, {"kind": "werk", "date": TODAY, "note": "x" * NOTE_MAX}).status_code == 302
    assert len(Elders.objects.get().note) == NOTE_MAX


@pytest.mark.django_db
def test_a_line_break_counts_as_one_character_as_in_the_browser(decaan_client, pupil):
    url = reverse("students:elders", args=[pupil.pk])
    note = "x\r\n" * (NOTE_MAX // 2)  # NOTE_MAX characters on screen, more in the post
    assert decaan_client.post(url, {"kind": "werk", "date": TODAY, "note": note}).status_code == 302
    assert Elders.objects.get().note == ("x\n" * (NOTE_MAX // 2)).strip()


# --- aanmelding -------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_aanmelding_posted_twice_is_kept_once(decaan_client, pupil):
    opleiding = OpleidingFactory()
    url = reverse("students:aanmelding_toevoegen", args=[pupil.pk])
    data = {"opleiding": opleiding.pk, "status": Status.NIET_INGESCHREVEN, "date": TODAY, "note": "Open dag."}
    first, second = post_twice(decaan_client, url, data)
    assert first == ["De aanmelding is vastgelegd."]
    assert any(TWICE in text for text in second)
    assert pupil.aanmeldingen.count() == 1
    assert StatusChange.objects.filter(aanmelding__pupil=pupil).count() == 1
    # Later, the same opleiding again is what it always was: refused, with the reason.
    pupil.aanmeldingen.update(created_at=timezone.now() - REPEAT_WINDOW - timezone.timedelta(seconds=1))
    again = decaan_client.post(url, data)
    assert "al aangemeld voor deze opleiding" in again.content.decode()
    assert pupil.aanmeldingen.count() == 1


@pytest.mark.django_db
def test_aanmelding_note_has_a_maximum(decaan_client, pupil):
    opleiding = OpleidingFactory()
    url = reverse("students:aanmelding_toevoegen", args=[pupil.pk])
    data = {"opleiding": opleiding.pk, "status": Status.NIET_INGESCHREVEN, "date": TODAY}
    too_long = decaan_client.post(url, {**data, "note": "y" * (NOTE_MAX + 1)})
    assert f"Toelichting: maximaal {NOTE_MAX} tekens; nu {NOTE_MAX + 1}." in too_long.content.decode()
    assert not pupil.aanmeldingen.exists()
    assert decaan_client.post(url, {**data, "note": "y" * NOTE_MAX}).status_code == 302
    assert len(StatusChange.objects.get(aanmelding__pupil=pupil).note) == NOTE_MAX


# --- status with a note ------------------------------------------------------------------------------------------
@pytest.fixture
def aanmelding(decaan_client, pupil):
    decaan_client.post(
        reverse("students:aanmelding_toevoegen", args=[pupil.pk]),
        {"opleiding": OpleidingFactory().pk, "status": Status.NIET_INGESCHREVEN, "date": TODAY},
    )
    return pupil.aanmeldingen.get()


@pytest.mark.django_db
def test_status_posted_twice_from_the_same_form_is_kept_once(decaan_client, aanmelding):
    url = reverse("students:status_bijwerken", args=[aanmelding.pk])
    data = {**rendered_form(decaan_client, url), "status": Status.INTAKE, "date": TODAY, "note": "Intake op dinsdag."}
    first, second = post_twice(decaan_client, url, data)  # the second carries the form's now old versie
    assert first == ["De status is bijgewerkt."]
    assert any(TWICE in text for text in second)
    assert list(aanmelding.history.values_list("status", flat=True)) == [Status.NIET_INGESCHREVEN, Status.INTAKE]


@pytest.mark.django_db
def test_status_the_old_form_sent_again_after_another_status_is_kept_once(decaan_client, aanmelding):
    url = reverse("students:status_bijwerken", args=[aanmelding.pk])
    old_form = {**rendered_form(decaan_client, url), "status": Status.ONTVANGSTBEVESTIGING, "date": TODAY, "note": ""}
    decaan_client.post(url, old_form)
    decaan_client.post(url, {**rendered_form(decaan_client, url), "status": Status.INTAKE, "date": TODAY})
    decaan_client.post(url, old_form)
    statuses = list(aanmelding.history.values_list("status", flat=True))
    assert statuses == [Status.NIET_INGESCHREVEN, Status.ONTVANGSTBEVESTIGING, Status.INTAKE]


@pytest.mark.django_db
def test_status_note_has_a_maximum(decaan_client, aanmelding):
    url = reverse("students:status_bijwerken", args=[aanmelding.pk])
    data = {**rendered_form(decaan_client, url), "status": Status.INTAKE, "date": TODAY}
    too_long = decaan_client.post(url, {**data, "note": "z" * (NOTE_MAX + 1)})
    assert f"Toelichting: maximaal {NOTE_MAX} tekens; nu {NOTE_MAX + 1}." in too_long.content.decode()
    assert aanmelding.history.count() == 1
    assert decaan_client.post(url, {**data, "note": "z" * NOTE_MAX}).status_code == 302
    assert len(aanmelding.history.get(status=Status.INTAKE).note) == NOTE_MAX


# --- extra aandacht (an edit, with a limit) ------------------------------------------------------------------------
@pytest.mark.django_db
def test_extra_aandacht_has_a_maximum(decaan_client, pupil):
    url = reverse("students:extra_aandacht", args=[pupil.pk])
    data = rendered_form(decaan_client, url)
    too_long = decaan_client.post(url, {**data, "text": "a" * (EXTRA_AANDACHT_MAX + 1)})
    message = f"Informatie voor het mbo: maximaal {EXTRA_AANDACHT_MAX} tekens; nu {EXTRA_AANDACHT_MAX + 1}."
    assert message in too_long.content.decode()
    pupil.refresh_from_db()
    assert pupil.extra_aandacht == ""
    assert decaan_client.post(url, {**data, "text": "a" * EXTRA_AANDACHT_MAX}).status_code == 302
    pupil.refresh_from_db()
    assert len(pupil.extra_aandacht) == EXTRA_AANDACHT_MAX


# --- a pupil, a group, a user -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("bsn", [{"geen_bsn": "1"}, {"bsn": "123456782"}], ids=["without-bsn", "with-bsn"])
def test_a_pupil_posted_twice_is_added_once(decaan_client, decaan, bsn):
    data = {"stap": "gegevens", **bsn, **PUPIL}
    first, second = post_twice(decaan_client, reverse("students:toevoegen"), data)
    assert first == ["Sem de Vries is toegevoegd."]
    assert any(TWICE in text for text in second)
    assert Pupil.objects.filter(school=decaan.organisation).count() == 1


@pytest.mark.django_db
def test_a_group_posted_twice_is_made_once(decaan_client, decaan):
    first, second = post_twice(decaan_client, reverse("groups:create"), {"name": "4C"})
    assert first == ["De groep 4C is aangemaakt."]
    assert any(TWICE in text for text in second)
    assert Group.objects.filter(school=decaan.organisation, name="4C").count() == 1


@pytest.mark.django_db
def test_a_user_posted_twice_is_made_and_invited_once(client, demo, mailoutbox):
    login_as(client, demo["beheerder.vo1"])
    data = {**USER, "username": "l.vandam"}
    first, second = post_twice(client, reverse("accounts:user_create"), data)
    assert "Lotte van Dam is aangemaakt" in first[0]
    assert any(TWICE in text for text in second)
    assert User.objects.filter(username="l.vandam").count() == 1
    assert len(mailoutbox) == 1
    # Another person with the same login name is still refused.
    other = client.post(reverse("accounts:user_create"), {**data, "email": "iemand.anders@school.example"})
    assert "Deze loginnaam is al in gebruik." in other.content.decode()
