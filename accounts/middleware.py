"""Session limits, the steps a user takes before the app opens (second factor, profile check), security headers
and input hygiene."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .access import pupil_may_open
from .models import Role, User

LOGIN_AT = "voroc_login_at"
LAST_SEEN = "voroc_last_seen"
OTP_REQUIRED = "voroc_otp_required"
# Write the "last seen" time at most this often: a session write per request is wasted work.
LAST_SEEN_RESOLUTION = 60


def start_session(request: HttpRequest, user) -> None:
    """Called at login: start the session clocks and remember whether a second factor is due."""
    now = int(time.time())
    # Precise, so that a session begun just after the servicedesk ended the others is not ended too.
    request.session[LOGIN_AT] = time.time()
    request.session[LAST_SEEN] = now
    request.session[OTP_REQUIRED] = bool(user.requires_second_factor or user_has_device(user))


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after login, after 30 minutes without a request, or when the servicedesk
    ended the user's sessions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(LOGIN_AT, now)
            last_seen = request.session.get(LAST_SEEN, now)
            ended = request.user.sessions_ended_at  # type: ignore[union-attr]
            ended_by_servicedesk = ended is not None and login_at < ended.timestamp()
            if (
                ended_by_servicedesk
                or now - login_at > settings.SESSION_COOKIE_AGE
                or now - last_seen > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                if ended_by_servicedesk:
                    messages.info(request, _("Uw sessie is beëindigd door de servicedesk. Log opnieuw in."))
                else:
                    messages.info(request, _("Uw sessie is verlopen. Log opnieuw in."))
                login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
                if request.headers.get("HX-Request"):
                    # A pop-up asked: send the whole page to the login, not the login into the pop-up.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect(login_url)
            if LOGIN_AT not in request.session:
                request.session[LOGIN_AT] = now
            if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


# Paths a user may reach while a login step is still open.
_STEP_EXEMPT_PREFIXES = ("/static/", "/media/", "/i18n/", "/favicon")


class LoginStepsMiddleware:
    """After the password: the second factor (servicedesk), then on first login the profile check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(_STEP_EXEMPT_PREFIXES):
            step = self._open_step(request)
            if step and request.path not in (reverse(step), reverse("accounts:logout")):
                return redirect(step)
        return self.get_response(request)

    @staticmethod
    def _open_step(request: HttpRequest) -> str | None:
        user = request.user
        assert isinstance(user, User)
        # OTPMiddleware (which runs before this one) gives every user is_verified().
        verified = user.is_verified()  # type: ignore[attr-defined]
        if not verified and (user.requires_second_factor or request.session.get(OTP_REQUIRED)):
            return "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
        if user.profile_checked_at is None:
            return "accounts:profile_check"
        return None


class PupilPagesOnlyMiddleware:
    """A leerling sees only their own things: any page outside accounts.access.PUPIL_PAGES answers 404, also one
    that exists for staff (the admin, Meldingen, a pupil's page): for a pupil it does not exist."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.role == Role.LEERLING:
            match = request.resolver_match
            if match is None or not pupil_may_open(match):
                raise Http404
        return None


class LanguageMiddleware:
    """Dutch unless the user chose another language (the footer menu sets a cookie).

    Django's LocaleMiddleware follows the browser's Accept-Language; on a school laptop with an English
    browser that would switch a Dutch product to English unasked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Scripts only from VOROC itself (no inline script, no eval); styles may be inline attributes (Bootstrap's
# utilities and htmx's indicator style); nothing may frame VOROC; forms post only to VOROC.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and no caching of pages shown to a logged-in user
    (they hold pupil data: the browser's back button or a shared computer must not show them again)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
        return response


class NulCharacterMiddleware:
    """Leaves NUL characters (0x00) out of query strings and posted form fields.

    Nobody types one: it comes from a document pasted from a broken file, or from a probe. It is invisible, so a
    user could not find it to remove it, and PostgreSQL cannot hold it in text or JSON, so one stored anywhere
    (a search kept for an export, a working copy) would end in a server error. Files are left as they are."""

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _without_nul(request.GET)
        if request.method == "POST" and request.content_type in self.FORMS:
            posted = request.POST
            if any("\x00" in value for values in posted.lists() for value in values[1]):
                request.POST = _without_nul(posted)
        return self.get_response(request)


def _without_nul(data: QueryDict) -> Any:  # a QueryDict, immutable as the one it replaces
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned
