"""Template helpers for the doorstroomformulier: an input with its help and error described, the form's state
icon, and the panel on the pupil's page (students/pupil.html loads it by name; students imports nothing)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def widget(bound, *, invalid: bool = False, extra_class: str = ""):
    """The input of a bound field with aria-describedby pointing at its help and error texts."""
    described = []
    if bound.help_text:
        described.append(f"{bound.auto_id}-hulp")
    if bound.errors or invalid:
        described.append(f"{bound.auto_id}-fout")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    css = bound.field.widget.attrs.get("class", "")
    if bound.errors or invalid:
        attrs["aria-invalid"] = "true"
        css = f"{css} is-invalid"
        # A browser empties a date or number field that holds something it cannot read, so the user would see
        # nothing of what they typed: show it as text until it is right.
        if getattr(bound.field.widget, "input_type", "") in ("date", "number"):
            if bound.field.widget.input_type == "date":
                attrs["placeholder"] = "dd-mm-jjjj"
            bound.field.widget.input_type = "text"
    if extra_class:
        css = f"{css} {extra_class}"
    if css.strip():
        attrs["class"] = css.strip()
    return bound.as_widget(attrs=attrs)


@register.inclusion_tag("doorstroom/partials/pupil_panel.html", takes_context=True)
def doorstroom_panel(context, pupil, pupil_rights):
    from ..access import form_rights
    from ..selectors import current_form, form_locked, has_unsaved, icon_for

    user = context["request"].user
    rights = form_rights(user, pupil_rights)
    form = current_form(pupil)
    locked = form_locked(form) if form else False
    editable = form is not None and not locked and not form.is_sent
    return {
        "pupil": pupil,
        "rights": rights,
        "form": form,
        "icon": icon_for(form, pupil),
        "locked": locked,
        # This user's input since their last save, waiting in the form (Verder and Terug do not save).
        "unsaved": editable and form is not None and has_unsaved(form.drafts.filter(user=user).first()),
        "to_approve": editable and rights.approve and form is not None and form.state == form.State.COMPLEET,
        "request": context["request"],
    }


@register.simple_tag
def actie(name: str, *arguments) -> str:
    """What a button of the form page posts (doorstroom.buttons): ``{% actie "REMOVE_ROW" fld.key 0 %}``.
    An unknown name fails loudly instead of rendering a button that does nothing."""
    from ..buttons import Action

    return Action[name].posted(*arguments)
