from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views import defaults

API_PREFIX = "/api/"


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page, the admin's too; the icon itself is a static file."""
    return redirect(static("img/favicon.svg"), permanent=True)


def _api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The generic Dutch page; under /api/ an answer in JSON, as the API's other errors."""
    if request.path.startswith(API_PREFIX):
        return _api_error(404, "Dit adres bestaat niet in de API van VOROC.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error(500, "Er ging iets mis bij VOROC; er is niets verwerkt. Probeer het later opnieuw.")
    return defaults.server_error(request)
