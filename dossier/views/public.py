"""The pupil's public pages: an account with the school's code or without a vo-school, the check of the e-mail address
with the choice of a password, and the school's invitation. They speak to the pupil as "je" and never say whether a
pupil is known at a school."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.models import Role, User

from .. import throttle
from ..forms import ChoosePasswordForm, CodeRegistrationForm, RegistrationForm
from ..models import INVITATION_VALID, VERIFICATION_VALID, RegistrationStatus
from ..services import (
    accept_invitation,
    complete_registration,
    invitation_for,
    registration_for,
    school_for_code,
    start_registration,
)

RESULT = "dossier_registration_result"
TOO_MANY = _("Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw.")


def _too_many(request: HttpRequest, email: str) -> bool:
    return throttle.blocked("registratie", request, throttle.REGISTRATIONS) or throttle.blocked(
        "adres", request, throttle.MAILS_PER_ADDRESS, email=email
    )


def _count(request: HttpRequest, email: str) -> None:
    throttle.count("registratie", request)
    throttle.count("adres", request, email=email)


@never_cache
@require_http_methods(["GET", "POST"])
def register_with_code(request: HttpRequest) -> HttpResponse:
    """Account aanmaken met de code van je school."""
    form = CodeRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _too_many(request, form.cleaned_data["email"]) or throttle.blocked("code", request, throttle.WRONG_CODES):
            form.add_error(None, TOO_MANY)
        else:
            code = school_for_code(form.cleaned_data["code"])
            if code is None:
                throttle.count("code", request)
                form.add_error(
                    "code",
                    _(
                        "Deze code klopt niet of is niet meer geldig. Vraag je mentor of decaan om de code van je school."
                    ),
                )
            else:
                _count(request, form.cleaned_data["email"])
                start_registration(data=form.cleaned_data, code=code)
                return redirect("leerling:verstuurd")
    return render(request, "dossier/register.html", {"form": form, "with_code": True})


@never_cache
@require_http_methods(["GET", "POST"])
def register_without_school(request: HttpRequest) -> HttpResponse:
    """Zelf registreren: for a pupil who is not at a vo-school (now at the mbo, or working or without work)."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _too_many(request, form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY)
        else:
            _count(request, form.cleaned_data["email"])
            start_registration(data=form.cleaned_data, code=None)
            return redirect("leerling:verstuurd")
    return render(request, "dossier/register.html", {"form": form, "with_code": False})


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "dossier/sent.html", {"valid_days": VERIFICATION_VALID.days})


def _password_form(request: HttpRequest, user: User) -> ChoosePasswordForm:
    return ChoosePasswordForm(user, request.POST or None)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the mail: the address is the pupil's. Then the pupil chooses a password."""
    registration = registration_for(token)
    if registration is None:
        return render(request, "dossier/choose_password.html", {"invalid": True, "kind": "registratie"})
    # Not saved: the password rules compare the password with the pupil's name and address.
    person = User(
        voornaam=registration.voornaam, achternaam=registration.achternaam, email=registration.email, role=Role.LEERLING
    )
    form = _password_form(request, person)
    if request.method == "POST" and form.is_valid():
        try:
            done = complete_registration(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            request.session[RESULT] = {
                "username": done.user.username if done.user else "",
                "waits": done.status == RegistrationStatus.SCHOOL,
                "school": done.school.name if done.school else "",
            }
            return redirect("leerling:klaar")
    return render(
        request, "dossier/choose_password.html", {"form": form, "kind": "registratie", "registration": registration}
    )


def done(request: HttpRequest) -> HttpResponse:
    result = request.session.get(RESULT)
    if not result:
        return redirect("accounts:login")
    return render(request, "dossier/done.html", result)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the school's invitation: the pupil chooses a password (once, within 7 days)."""
    account = invitation_for(token)
    if account is None:
        return render(
            request,
            "dossier/choose_password.html",
            {"invalid": True, "kind": "uitnodiging", "valid_days": INVITATION_VALID.days},
        )
    form = _password_form(request, account.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Je wachtwoord is opgeslagen. Log nu in met je loginnaam %(username)s en je nieuwe wachtwoord.")
                % {"username": user.username},
            )
            return redirect("accounts:login")
    return render(request, "dossier/choose_password.html", {"form": form, "kind": "uitnodiging", "account": account})
