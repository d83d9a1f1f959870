import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.django_db
def test_dutch_by_default_and_english_available(client, demo, demo_pw):
    assert "Wachtwoord vergeten?" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Forgot your password?" in html and 'lang="en"' in html
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    assert "Notifications overview" in client.get(reverse("notifications:meldingen")).content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_dutch_until_the_user_chooses(client):
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "Wachtwoord vergeten?" in html and 'lang="nl"' in html
    assert ">English<" in html and ">Nederlands<" in html  # each language named in its own language
