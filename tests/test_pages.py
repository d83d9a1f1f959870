import pytest


@pytest.mark.django_db
def test_favicon_points_at_the_logo(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("img/favicon.svg")


@pytest.mark.django_db
def test_unknown_address_gets_a_dutch_page_without_the_url_list(decaan_client):
    response = decaan_client.get("/bestaat-niet/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Pagina niet gevonden" in html and "URLconf" not in html


@pytest.mark.django_db
def test_forbidden_page_points_school_staff_to_their_beheerder_and_others_to_the_servicedesk(client, demo):
    client.force_login(demo["mentor.vo1"])
    assert "decaan schoolbeheerder van uw school" in client.get("/groepen/").content.decode()
    client.force_login(demo["roc.mbo1"])
    html = client.get("/groepen/").content.decode()
    assert "VOROC Servicedesk" in html and "schoolbeheerder" not in html
