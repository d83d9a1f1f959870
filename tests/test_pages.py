import pytest
from django.urls import reverse


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


SERVICEDESK = {"VOROC_SERVICEDESK_EMAIL": "hulp@regio.example", "VOROC_SERVICEDESK_PHONE": "010-7654321"}


@pytest.mark.django_db
def test_the_servicedesk_details_on_the_pages_come_from_settings(client, demo, settings):
    """One context processor supplies them: the login page, the reset page, the 403 page and every footer."""
    for name, value in SERVICEDESK.items():
        setattr(settings, name, value)
    pages = [client.get(reverse("accounts:login")), client.get(reverse("accounts:password_reset_sent"))]
    client.force_login(demo["roc.mbo1"])
    pages.append(client.get("/groepen/"))
    assert [page.status_code for page in pages] == [200, 200, 403]
    for page in pages:
        html = page.content.decode()
        assert 'href="mailto:hulp@regio.example"' in html  # the footer
        assert "servicedesk@voroc.nl" not in html and "070-3156351" not in html
    for page in pages[1:]:  # the text itself: reset page and 403 page
        assert page.content.decode().count("hulp@regio.example") == 3 and "010-7654321" in page.content.decode()


@pytest.mark.django_db
def test_a_mail_gets_the_servicedesk_details_from_settings(
    demo, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from accounts.mail import send_templated_mail

    for name, value in SERVICEDESK.items():
        setattr(settings, name, value)
    user = demo["decaan.vo1"]
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(
            to=[user.email],
            subject="Wachtwoord gewijzigd",
            template="accounts/mail/password_changed",
            context={"user": user, "when": timezone.now()},
        )
    (message,) = mailoutbox
    assert "hulp@regio.example of 010-7654321" in message.body
    assert "hulp@regio.example" in message.alternatives[0][0]
