import pytest
from django.urls import reverse

from accounts.models import User

from ..factories import UserFactory

PROFILE = reverse("accounts:profile")
HTMX = {"HTTP_HX_REQUEST": "true"}


def valid(**changes):
    data = {
        "aanhef": "dhr",
        "voornaam": "Mo",
        "tussenvoegsel": "el",
        "achternaam": "Amrani",
        "telefoon": "070-1234567",
        "email": "m.amrani@vo1.example",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_profile_popup_shows_school_and_login_read_only(decaan_client):
    response = decaan_client.get(PROFILE, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # the pop-up's content only
    for text in ("00AA", "VO1 – Haagse Scholengemeenschap", "decaan.vo1", "decaan.vo1@demo.voroc.nl"):
        assert text in html
    assert 'name="username"' not in html and 'name="organisation"' not in html


@pytest.mark.django_db
def test_profile_without_javascript_is_a_whole_page(decaan_client):
    html = decaan_client.get(PROFILE).content.decode()
    assert "<html" in html and "Mijn profiel" in html


@pytest.mark.django_db
def test_profile_edit_saves(decaan_client):
    response = decaan_client.post(PROFILE, valid(), **HTMX)
    assert response.status_code == 204
    user = User.objects.get(username="decaan.vo1")
    assert (user.voornaam, user.telefoon, user.email) == ("Mo", "070-1234567", "m.amrani@vo1.example")


@pytest.mark.django_db
def test_profile_errors_are_dutch_and_nothing_is_saved(decaan_client):
    response = decaan_client.post(PROFILE, valid(email="geen-adres", voornaam="", telefoon="abc"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vul een geldig e-mailadres in" in html
    assert "Dit veld is verplicht." in html
    assert "Vul een geldig telefoonnummer in" in html
    user = User.objects.get(username="decaan.vo1")
    assert (user.voornaam, user.email) == ("Mohamed", "decaan.vo1@demo.voroc.nl")


@pytest.mark.django_db
def test_login_name_school_and_role_cannot_be_changed_through_the_profile(decaan_client, demo):
    other_school = demo["decaan.vo2"].organisation
    decaan_client.post(PROFILE, valid(username="hacker", organisation=other_school.pk, role="servicedesk"), **HTMX)
    user = User.objects.get(pk=demo["decaan.vo1"].pk)
    assert (user.username, user.organisation.code, user.role) == ("decaan.vo1", "00AA", "decaan")


@pytest.mark.django_db
def test_profile_only_ever_edits_the_logged_in_user(decaan_client, demo):
    # There is no user id in the URL; posting another user's id changes nothing of theirs.
    other = demo["decaan.vo2"]
    decaan_client.post(PROFILE, valid(id=other.pk, pk=other.pk, voornaam="Gekaapt"), **HTMX)
    assert User.objects.get(pk=other.pk).voornaam == "Lotte"
    assert User.objects.get(username="decaan.vo1").voornaam == "Gekaapt"


@pytest.mark.django_db
def test_first_login_asks_to_check_personal_data(client):
    user = UserFactory(profile_checked_at=None, voornaam="", email="")
    client.force_login(user)
    for url in (reverse("notifications:meldingen"), reverse("students:overzicht")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("accounts:profile_check")
    page = client.get(reverse("accounts:profile_check"))
    assert "U logt voor het eerst in" in page.content.decode()
    incomplete = client.post(reverse("accounts:profile_check"), valid(voornaam=""))
    assert incomplete.status_code == 200
    done = client.post(reverse("accounts:profile_check"), valid())
    assert done.status_code == 302 and done.url == reverse("notifications:meldingen")
    assert client.get(reverse("notifications:meldingen")).status_code == 200
    user.refresh_from_db()
    assert user.profile_checked_at is not None and user.voornaam == "Mo"


@pytest.mark.django_db
def test_the_daily_meldingen_mail_is_off_by_default_and_can_be_switched_on(decaan_client, decaan):
    assert decaan.meldingen_digest is False
    assert 'name="meldingen_digest"' in decaan_client.get(PROFILE, **HTMX).content.decode()
    decaan_client.post(PROFILE, valid(meldingen_digest="on"), **HTMX)
    assert User.objects.get(pk=decaan.pk).meldingen_digest is True
    decaan_client.post(PROFILE, valid(), **HTMX)  # an unticked box switches it off again
    assert User.objects.get(pk=decaan.pk).meldingen_digest is False
