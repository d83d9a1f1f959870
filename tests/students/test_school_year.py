"""start_school_year: this year's pupils become Oud leerlingen for one more year, then drop out of view."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from students.aanmeldingen import add_aanmelding, record_status
from students.models import Status, StatusSource
from students.schoolyear import current_school_year, forget_current_school_year
from students.selectors import pupils_visible_to
from tests.factories import OpleidingFactory, PupilFactory


@pytest.mark.django_db
def test_start_school_year_moves_pupils_to_oud_leerlingen_and_hides_them_a_year_later(decaan_client, decaan):
    year = current_school_year()
    pupil = PupilFactory(school=decaan.organisation, achternaam="Verhuisd", school_year=year)
    names = lambda url: [r.pupil.achternaam for r in decaan_client.get(url).context["rows"]]  # noqa: E731
    assert names(reverse("students:overzicht")) == ["Verhuisd"] and names(reverse("students:oud")) == []

    out = io.StringIO()
    call_command("start_school_year", str(year + 1), stdout=out)
    assert f"1 pupils of {year}-{year + 1} are now Oud leerlingen" in out.getvalue()
    assert current_school_year() == year + 1
    assert names(reverse("students:overzicht")) == []
    assert names(reverse("students:oud")) == ["Verhuisd"]
    # Their aanmeldingen keep following the feed meanwhile.
    aanmelding = add_aanmelding(
        pupil=pupil, opleiding=OpleidingFactory(school__connected=True), source=StatusSource.FEED
    )
    record_status(aanmelding=aanmelding, status=Status.DEFINITIEF, at=aanmelding.status_at, source=StatusSource.FEED)
    assert "Definitieve keuze" in decaan_client.get(reverse("students:oud")).content.decode()
    # A new pupil added now belongs to the new year.
    assert PupilFactory(school=decaan.organisation).school_year == year + 1

    call_command("start_school_year", str(year + 2), stdout=io.StringIO())
    assert "Verhuisd" not in names(reverse("students:oud"))
    assert not pupils_visible_to(decaan).filter(pk=pupil.pk).exists()
    assert decaan_client.get(reverse("students:leerling", args=[pupil.pk])).status_code == 404


@pytest.mark.django_db
def test_a_year_cannot_be_started_twice_or_skipped(db):
    year = current_school_year()
    with pytest.raises(CommandError, match="al begonnen"):
        call_command("start_school_year", str(year), stdout=io.StringIO())
    with pytest.raises(CommandError, match="één voor één"):
        call_command("start_school_year", str(year + 2), stdout=io.StringIO())
    assert current_school_year() == year


@pytest.mark.django_db
def test_a_pupil_who_stays_is_brought_back_from_oud_leerlingen_when_added_again(decaan_client, decaan):
    year = current_school_year()
    stays = PupilFactory(school=decaan.organisation, bsn="111222333", achternaam="Blijft", school_year=year - 1)
    step = decaan_client.post(
        reverse("students:toevoegen"), {"stap": "bsn", "bsn": "111222333"}, headers={"HX-Request": "true"}
    )
    html = step.content.decode()
    assert "staat bij Oud leerlingen" in html and 'data-testid="bring-back"' in html
    response = decaan_client.post(
        reverse("students:terug_naar_dit_jaar", args=[stays.pk]), headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Redirect"] == reverse("students:leerling", args=[stays.pk])
    stays.refresh_from_db()
    assert stays.school_year == year
    names = [r.pupil.achternaam for r in decaan_client.get(reverse("students:overzicht")).context["rows"]]
    assert names == ["Blijft"]
    # Once back, there is nothing to bring back.
    assert decaan_client.post(reverse("students:terug_naar_dit_jaar", args=[stays.pk])).status_code == 403


@pytest.mark.django_db
def test_a_list_reads_the_school_year_from_the_cache_once_per_request(decaan_client, decaan, monkeypatch):
    from django.core.cache import cache

    from students.schoolyear import CACHE_KEY

    for n in range(8):
        PupilFactory(school=decaan.organisation, achternaam=f"Rij{n}")
    current_school_year()  # the year is in the cache
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: (reads.append(key), real_get(key, *a, **k))[1])
    response = decaan_client.get(reverse("students:overzicht"), {"groep": "alle"})
    assert len(response.context["rows"]) == 8
    # The form icon of every row asks whether the pupil's year is over; the cache answers once.
    assert reads.count(CACHE_KEY) == 1


def test_the_memo_holds_within_a_scope_only_and_forget_clears_it(db):
    from django.core.cache import cache

    from students.schoolyear import CACHE_KEY, close_scope, forget_current_school_year, open_scope

    year = current_school_year()
    token = open_scope()
    try:
        assert current_school_year() == year
        cache.set(CACHE_KEY, year + 5, 300)  # another process started a year
        assert current_school_year() == year  # this request keeps the year it began with
        forget_current_school_year()
        cache.set(CACHE_KEY, year + 5, 300)
        assert current_school_year() == year + 5
    finally:
        close_scope(token)
    cache.set(CACHE_KEY, year + 6, 300)
    assert current_school_year() == year + 6  # outside a scope, every call reads the cache
    forget_current_school_year()


def test_each_task_reads_the_year_afresh(db):
    from django.core.cache import cache

    from students.schoolyear import CACHE_KEY, task_finished, task_started

    year = current_school_year()
    task_started(task_id="a")
    assert current_school_year() == year
    cache.set(CACHE_KEY, year + 1, 300)
    assert current_school_year() == year
    task_finished(task_id="a")
    task_started(task_id="b")
    assert current_school_year() == year + 1
    task_finished(task_id="b")
    forget_current_school_year()
