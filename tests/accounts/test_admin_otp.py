import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import login_as

ADMIN = reverse("admin:index")


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["decaan.vo1", "beheerder.vo1", "beheerder.vo2", "roc.mbo1", "gemeente.denhaag"])
def test_school_mbo_and_gemeente_users_never_reach_the_admin(client, demo, demo_pw, username):
    # Also with their second factor passed (the decaan schoolbeheerder needs one).
    login_as(client, demo[username])
    assert client.get(ADMIN).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


@pytest.mark.django_db
def test_anonymous_admin_goes_to_the_one_login(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["servicedesk", "beheerder.vo1"])
def test_the_password_alone_gives_no_access(client, demo, demo_pw, username):
    login(client, username, demo_pw)
    # Without a device the servicedesk must set one up; no page of the app or admin opens before that.
    for url in (ADMIN, reverse("admin:accounts_user_changelist"), reverse("notifications:meldingen")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:otp_setup")) or response.url.startswith(
            reverse("accounts:login")
        )
    assert client.get(ADMIN, follow=True).redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))


@pytest.mark.django_db
def test_setting_up_totp_then_admin_opens(client, demo, demo_pw):
    login(client, "servicedesk", demo_pw)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=demo["servicedesk"], confirmed=False)
    wrong = client.post(reverse("accounts:otp_setup"), {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert "Deze code klopt niet" in wrong.content.decode()
    # One typing error costs nothing: the right code straight after it works (repeated ones wait:
    # tests/accounts/test_otp_messages.py).
    ok = client.post(reverse("accounts:otp_setup"), {"code": code_for(device)})
    assert ok.status_code == 302
    assert client.get(ADMIN).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


@pytest.mark.django_db
def test_with_a_device_the_code_is_asked_at_every_login(client, demo, demo_pw):
    device = TOTPDevice.objects.create(user=demo["servicedesk"], name="app", confirmed=True)
    login(client, "servicedesk", demo_pw)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))
    bad = client.post(reverse("accounts:otp_verify"), {"code": "12ab56"})
    assert "6 cijfers" in bad.content.decode()
    wrong = client.post(
        reverse("accounts:otp_verify"), {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert "Deze code klopt niet" in wrong.content.decode()
    assert client.get(ADMIN).status_code == 302
    good = client.post(reverse("accounts:otp_verify") + "?next=" + ADMIN, {"code": code_for(device)})
    assert good.status_code == 302 and good.url == ADMIN
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_login_name_is_read_only_in_admin(client, demo, demo_pw):
    device = TOTPDevice.objects.create(user=demo["servicedesk"], name="app", confirmed=True)
    login(client, "servicedesk", demo_pw)
    client.post(reverse("accounts:otp_verify"), {"code": code_for(device)})
    page = client.get(reverse("admin:accounts_user_change", args=[demo["decaan.vo1"].pk]))
    assert page.status_code == 200
    assert 'name="username"' not in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["setup", "verify"])
def test_the_session_gets_a_new_key_when_the_second_factor_is_passed(client, demo, demo_pw, step):
    from importlib import import_module

    from django.conf import settings

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    if step == "verify":
        device = TOTPDevice.objects.create(user=demo["servicedesk"], name="app", confirmed=True)
    login(client, "servicedesk", demo_pw)
    if step == "setup":
        client.get(reverse("accounts:otp_setup"))
        device = TOTPDevice.objects.get(user=demo["servicedesk"], confirmed=False)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse(f"accounts:otp_{step}"), {"code": code_for(device)})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before and not SessionStore(session_key=before).exists(before)
    assert client.get(ADMIN).status_code == 200  # the new session is the verified one
