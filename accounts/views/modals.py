"""Pop-ups loaded with htmx that also work as pages of their own (without JavaScript, or typed in)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh, trigger_client_event

from ..access import HtmxRequest


def modal_or_page(request: HtmxRequest, partial: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """The pop-up's content for htmx; the same content inside a page without JavaScript."""
    if request.htmx:
        return render(request, partial, {**context, "in_modal": True}, status=status)
    return render(request, "modal_page.html", {**context, "partial": partial, "in_modal": False}, status=status)


def close_modal(request: HtmxRequest, text: str, *, page_url: str) -> HttpResponse:
    """After a save in a pop-up: close it and show ``text``; as a page, go to ``page_url`` with the message."""
    if request.htmx:
        return trigger_client_event(HttpResponse(status=204), "voroc:closeModal", {"message": text})
    messages.success(request, text)
    return redirect(page_url)


def go_to(request: HtmxRequest, url: str, text: str = "") -> HttpResponse:
    """After a save that changes what the page shows: load ``url`` as a whole page (also from a pop-up).

    From a pop-up on the page ``url`` names (perhaps with another #fragment), the page is reloaded: a browser
    sent to the same address with only a new fragment would just scroll, and show nothing of the save."""
    if text:
        messages.success(request, text)
    if request.htmx:
        current = urlsplit(request.htmx.current_url or "")
        target = urlsplit(url)
        if current.path and (current.path, current.query) == (target.path, target.query):
            return HttpResponseClientRefresh()
        return HttpResponseClientRedirect(url)
    return redirect(url)


def service_errors_into_form(form: BaseForm, exc: ValidationError, fallback: str) -> None:
    """Show a service's ValidationError in the form: under its field, else under ``fallback``, else on top."""
    fallback_field = fallback if fallback in form.fields else None
    if not hasattr(exc, "error_dict"):
        form.add_error(fallback_field, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else (fallback if fallback in form.fields else None)
        form.add_error(target, errors)
