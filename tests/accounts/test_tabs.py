import pytest
from django.urls import reverse

from tests.conftest import login_as

EXPECTED_TABS = {
    "beheerder.vo1": [
        "Meldingen",
        "Leerling overzicht",
        "Oud leerlingen",
        "Groepen",
        "Verzuim",
        "Monitor",
        "Gebruikers",
        "Logboek",
    ],
    "decaan.vo1": ["Meldingen", "Leerling overzicht", "Oud leerlingen", "Groepen", "Verzuim", "Monitor"],
    "mentor.vo1": ["Meldingen", "Leerling overzicht", "Oud leerlingen", "Verzuim", "Monitor"],
    "zorg.vo1": ["Meldingen", "Leerling overzicht", "Oud leerlingen", "Verzuim"],
    "roc.mbo1": ["Meldingen", "Aanmeldingen", "Ontvangen dossiers", "Terugkoppeling", "Monitor"],
    "gemeente.denhaag": ["Meldingen", "Leerlingen in de gemeente", "Overstap en risico", "Verzuim", "Monitor"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "labels"), EXPECTED_TABS.items())
def test_tabs_fit_the_role_and_each_tab_opens(client, demo, username, labels):
    login_as(client, demo[username])
    response = client.get(reverse("notifications:meldingen"))
    tabs = response.context["nav_tabs"]
    assert [str(t["label"]) for t in tabs] == labels
    assert "Mijn profiel" in response.content.decode()
    for tab in tabs:
        assert client.get(tab["url"]).status_code == 200, tab["url"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "url_name"),
    [
        ("decaan.vo1", "accounts:users"),
        ("mentor.vo1", "accounts:users"),
        ("mentor.vo1", "groups:index"),
        ("zorg.vo1", "groups:index"),
        ("roc.mbo1", "students:overzicht"),
        ("gemeente.denhaag", "students:overzicht"),
        ("zorg.vo1", "monitor:index"),
        ("decaan.vo1", "students:aanmeldingen"),
    ],
)
def test_a_screen_outside_the_role_is_forbidden(client, demo, username, url_name):
    client.force_login(demo[username])
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.django_db
def test_anonymous_users_go_to_the_login_page(client):
    for url_name in ("notifications:meldingen", "students:overzicht", "accounts:profile", "accounts:users"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
