from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page, the admin's too; the icon itself is a static file."""
    return redirect(static("img/favicon.svg"), permanent=True)
