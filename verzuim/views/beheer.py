"""Beheer locaties and beheer melders: the decaan schoolbeheerder keeps the school's own lists (create, rename,
deactivate; a deactivated one stays on the meldingen that name it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import SCHOOL_ADMIN_ROLES, AuthenticatedRequest, role_required
from accounts.once import done_message

from ..forms import NameForm
from ..models import Locatie, Melder
from ..services import save_locatie, save_melder, set_active

KINDS: dict[str, type[Locatie] | type[Melder]] = {"locaties": Locatie, "melders": Melder}


def _errors_into(form: BaseForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@role_required(SCHOOL_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def beheer(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    school = request.user.organisation
    form = NameForm(request.POST or None)
    if kind == "locaties":
        del form.fields["functie"]
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "locaties":
                saved: Locatie | Melder = save_locatie(school=school, name=form.cleaned_data["name"])
            else:
                saved = save_melder(school=school, name=form.cleaned_data["name"], functie=form.cleaned_data["functie"])
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            added = _("“%(name)s” is toegevoegd.") % {"name": form.cleaned_data["name"]}
            messages.success(request, done_message(saved, added))
            return redirect(f"verzuim:{kind}")
    items = list(KINDS[kind].objects.filter(school=school).order_by("-active", "name", "pk"))
    return render(request, "verzuim/beheer.html", {"kind": kind, "items": items, "form": form})


@role_required(SCHOOL_ADMIN_ROLES)
@require_POST
def beheer_item(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponseRedirect:
    """Rename (name, functie) or (de)activate one locatie or melder of the own school; another school's: 404."""
    if kind not in KINDS:
        raise Http404
    item = KINDS[kind].objects.filter(school=request.user.organisation, pk=pk).first()
    if item is None:
        raise Http404
    if "active" in request.POST:
        set_active(item, request.POST["active"] == "1")
        messages.success(request, _("“%(name)s” is bijgewerkt.") % {"name": item.name})
        return redirect(f"verzuim:{kind}")
    try:
        if isinstance(item, Locatie):
            save_locatie(school=item.school, name=request.POST.get("name", ""), locatie=item)
        else:
            save_melder(
                school=item.school,
                name=request.POST.get("name", ""),
                functie=request.POST.get("functie", ""),
                melder=item,
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s” is bijgewerkt.") % {"name": item.name})
    return redirect(f"verzuim:{kind}")
