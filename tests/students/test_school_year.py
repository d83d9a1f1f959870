"""start_school_year: this year's pupils become Oud leerlingen for one more year, then drop out of view."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from students.aanmeldingen import add_aanmelding, record_status
from students.models import Status, StatusSource
from students.schoolyear import current_school_year
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
