"""Hardening across the project: sessions, CSRF, no personal data in addresses, generic error pages, TOTP."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import JsonResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.views.decorators.csrf import csrf_exempt

from accounts.services import end_sessions
from audit.models import Action, AuditEntry
from tests.browser.helpers import current_code
from tests.conftest import login_as
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db
HOME = reverse("notifications:meldingen")


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


# --- sessions --------------------------------------------------------------------------------------------------
def test_the_servicedesk_ends_every_session_of_a_user(client, demo, demo_pw):
    other = Client()
    for browser in (client, other):
        browser.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
        assert browser.get(HOME).status_code == 200
    end_sessions(user=demo["decaan.vo1"], by=demo["servicedesk"])
    for browser in (client, other):
        response = browser.get(HOME, follow=True)
        assert response.redirect_chain[0][1] == 302
        assert "beëindigd door de servicedesk" in response.content.decode()
    # Logging in again works at once.
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action=Action.SESSIONS_ENDED).count() == 1


def test_the_admin_action_ends_the_sessions(servicedesk_client, demo, demo_pw):
    decaan = Client()
    decaan.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    response = servicedesk_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "end_all_sessions", "_selected_action": [demo["decaan.vo1"].pk]},
        follow=True,
    )
    assert "De sessies van 1 gebruiker zijn beëindigd." in response.content.decode()
    assert decaan.get(HOME).status_code == 302


# --- CSRF ------------------------------------------------------------------------------------------------------
# Only an API authenticated by a bearer token (not by a cookie) may go without a CSRF token.
CSRF_EXEMPT_PREFIXES = ("api/",)


def test_no_view_is_exempt_from_csrf():
    exempt = [
        route
        for route, pattern in walk(get_resolver().url_patterns)
        if getattr(pattern.callback, "csrf_exempt", False) and not route.startswith(CSRF_EXEMPT_PREFIXES)
    ]
    assert exempt == []


def test_a_post_without_the_csrf_token_is_refused(demo, demo_pw):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw}).status_code == 403
    login_as(browser, demo["decaan.vo1"])
    assert browser.post(reverse("students:overzicht"), {"q": "jansen"}).status_code == 403
    assert browser.post(reverse("notifications:read_all")).status_code == 403


# --- no personal data in addresses -----------------------------------------------------------------------------
# The parameters a URL of VOROC (and of its admin) may take: ids, a status number, the password link's opaque
# parts. A new kind of parameter must be added here on purpose, after checking it carries no personal data.
ALLOWED_URL_PARAMETERS = {
    "pk",
    "id",
    "status",
    "uidb64",
    "token",
    "object_id",
    "app_label",
    "content_type_id",
    "path",
    "url",
}


def test_no_url_takes_anything_but_ids_and_opaque_tokens():
    names = set()
    for route, _pattern in walk(get_resolver().url_patterns):
        names |= set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\(\?P<(\w+)>", route))
    assert names <= ALLOWED_URL_PARAMETERS, names - ALLOWED_URL_PARAMETERS


HUGE_ID = str(2**64 + 7)  # more than any 64-bit key: PostgreSQL cannot compare it with an id column


def test_an_id_too_large_for_the_database_is_a_404_and_recorded(client, demo, decaan):
    """Every address that takes an id, with an id no key can hold: never a server error (the database would fail
    on the number); a pupil's page records the attempt in the audit log like any other id outside the scope."""
    from django.urls import URLPattern

    from audit.models import Action, AuditEntry

    login_as(client, decaan)
    client.raise_request_exception = False
    wrong = []
    for route, pattern in walk(get_resolver().url_patterns):
        if not isinstance(pattern, URLPattern) or "<id:" not in route or route.startswith("beheer/"):
            continue
        url = "/" + re.sub(r"<id:\w+>", HUGE_ID, route)
        url = re.sub(r"<\w+:\w+>", "1", url)
        for response in (client.get(url), client.post(url, {})):
            if response.status_code >= 500:
                wrong.append(f"{url}: {response.status_code}")
    assert wrong == []
    response = client.get(f"/leerlingen/{HUGE_ID}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=Action.OUT_OF_SCOPE, actor_id=decaan.pk).exists()


def test_a_name_searched_for_never_shows_in_an_address(decaan_client, decaan):
    PupilFactory(school=decaan.organisation, voornaam="Sem", achternaam="Öztürk")
    response = decaan_client.post(reverse("students:overzicht"), {"groep": "alle", "q": "ozturk"}, follow=True)
    final_url = response.redirect_chain[-1][0]
    assert "ozturk" not in final_url.lower() and "zoek=" in final_url
    assert [r.pupil.achternaam for r in response.context["rows"]] == ["Öztürk"]
    hrefs = re.findall(r'(?:href|hx-get)="([^"]+)"', response.content.decode())
    assert hrefs and not [h for h in hrefs if "ozturk" in h.lower()]
    # A typed address with the name itself is moved to a token at once.
    typed = decaan_client.get(reverse("students:overzicht") + "?q=ozturk")
    assert typed.status_code == 302 and "ozturk" not in typed.url


def test_a_bsn_searched_for_is_kept_only_as_its_keyed_index(decaan_client, decaan):
    PupilFactory(school=decaan.organisation, bsn="111222333")
    response = decaan_client.post(HOME, {"q": "111222333"}, follow=True)
    assert "111222333" not in response.redirect_chain[-1][0]
    assert "111222333" not in str(dict(decaan_client.session))
    assert "111222333" not in response.content.decode()
    assert response.context["query_is_bsn"]


# --- generic error pages ---------------------------------------------------------------------------------------
def _boom(request):
    raise RuntimeError("something internal: /srv/voroc/secret.py line 12")


def _api_boom(request):
    raise RuntimeError("internal detail")


@csrf_exempt
def _echo(request):
    return JsonResponse(
        {
            "get": request.GET,
            "post": request.POST,
            "file": request.FILES["f"].read().hex() if "f" in request.FILES else "",
        }
    )


urlpatterns = [
    path("boom/", _boom),
    path("api/boom/", _api_boom),
    path("echo/", _echo),
    path("", include("voroc.urls")),
]
handler404, handler500 = "voroc.views.page_not_found", "voroc.views.server_error"  # the project's, as voroc/urls.py


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_shows_the_generic_page_without_details(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in body and "servicedesk" in body.lower()
    assert "secret.py" not in body and "Traceback" not in body and "RuntimeError" not in body


@override_settings(
    ROOT_URLCONF=__name__,
    DEBUG=False,
    VOROC_SERVICEDESK_EMAIL="hulp@regio.example",
    VOROC_SERVICEDESK_PHONE="010-7654321",
)
def test_the_server_error_page_names_the_servicedesk_from_settings(client):
    client.raise_request_exception = False
    body = client.get("/boom/").content.decode()
    assert "hulp@regio.example of 010-7654321" in body and "servicedesk@voroc.nl" not in body


def test_a_missing_page_is_the_generic_dutch_page(decaan_client):
    response = decaan_client.get("/bestaat-niet/")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.content.decode()


# --- second factor -----------------------------------------------------------------------------------------------
def test_every_user_can_choose_a_second_factor_and_is_then_asked_for_it(client, demo, demo_pw):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post(reverse("accounts:login"), {"username": "mentor.vo1", "password": demo_pw})
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:otp_setup") in profile and "Tweestapsverificatie instellen" in profile
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=demo["mentor.vo1"])
    assert client.post(reverse("accounts:otp_setup"), {"code": current_code(device)}).status_code == 302
    assert "Tweestapsverificatie staat aan" in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "mentor.vo1", "password": demo_pw})
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))


@pytest.mark.parametrize("username", ["servicedesk", "beheerder.vo1"])
def test_the_second_factor_is_required_for_the_servicedesk_and_the_schoolbeheerder(demo, username):
    assert demo[username].requires_second_factor


@pytest.mark.parametrize("username", ["decaan.vo1", "mentor.vo1", "zorg.vo1", "roc.mbo1", "gemeente.denhaag"])
def test_the_second_factor_is_a_choice_for_the_others(demo, username):
    assert not demo[username].requires_second_factor


def test_an_unknown_api_address_answers_in_json(client):
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "bestaat niet" in response.json()["detail"]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_under_the_api_is_json_without_details(client):
    client.raise_request_exception = False
    response = client.get("/api/boom/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert "internal detail" not in response.content.decode()


@pytest.mark.parametrize(
    ("username", "url_name"),
    [("decaan.vo1", "students:overzicht"), ("decaan.vo1", "students:oud"), ("roc.mbo1", "students:aanmeldingen")],
)
def test_every_search_on_names_is_posted_and_kept_out_of_the_address(client, demo, username, url_name):
    login_as(client, demo[username])
    response = client.post(reverse(url_name), {"q": "jansen"}, follow=True)
    assert response.status_code == 200
    assert "jansen" not in response.redirect_chain[-1][0] and "zoek=" in response.redirect_chain[-1][0]
    assert response.context["query"] == "jansen"


# --- input hygiene ---------------------------------------------------------------------------------------------
@override_settings(ROOT_URLCONF=__name__)
def test_nul_characters_are_left_out_of_every_query_and_form_field_but_not_out_of_files(client):
    upload = SimpleUploadedFile("a.pdf", b"%PDF-\x00\x01", content_type="application/pdf")
    seen = client.post("/echo/?q=ab%00c&gr%00oep=1", {"naam": "Ko\x00k", "f": upload}).json()
    assert seen["get"] == {"q": "abc", "groep": "1"} and seen["post"] == {"naam": "Kok"}
    assert seen["file"] == b"%PDF-\x00\x01".hex()
    typed = client.generic("POST", "/echo/", "naam=Ko%00k&x=1", content_type="application/x-www-form-urlencoded")
    assert typed.json()["post"] == {"naam": "Kok", "x": "1"}


def test_a_nul_character_in_a_search_kept_for_a_background_export_is_no_server_error(
    decaan_client, decaan, monkeypatch
):
    """A background export keeps the overview's choices (a JSON field): one with a NUL character would fail on
    PostgreSQL. It is left out before any view sees it."""
    from students import exports
    from students.models import ExportJob

    PupilFactory(school=decaan.organisation)
    monkeypatch.setitem(exports.BACKGROUND_ROWS, "xlsx", 0)
    response = decaan_client.get(reverse("students:export") + "?groep=alle&formaat=xlsx&sorteer=na%00am")
    assert response.status_code == 302
    assert "\x00" not in str(ExportJob.objects.get().params)
