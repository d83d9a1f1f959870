from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views import defaults

from accounts.access import home_url
from accounts.context_processors import servicedesk

API_PREFIX = "/api/"


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page, the admin's too; the icon itself is a static file."""
    return redirect(static("img/favicon.svg"), permanent=True)


def home(request: HttpRequest) -> HttpResponse:
    """The start address: a leerling's own dossier, Meldingen for everyone else; before login the login page, which
    sends each to their own start."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(home_url(request.user))


def _api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The generic Dutch page; under /api/ an answer in JSON, as the API's other errors."""
    if request.path.startswith(API_PREFIX):
        return _api_error(404, "Dit adres bestaat niet in de API van VOROC.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The plain Dutch page. As Django's own handler it uses no context processor and no database (whatever
    broke may be one of them); only the servicedesk's contact details, which come from settings."""
    if request.path.startswith(API_PREFIX):
        return _api_error(500, "Er ging iets mis bij VOROC; er is niets verwerkt. Probeer het later opnieuw.")
    return HttpResponseServerError(loader.render_to_string("500.html", servicedesk()))
