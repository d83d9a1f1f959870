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
