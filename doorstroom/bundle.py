"""Downloaden van alle doorstroomformulieren: every complete form the user sees (or those of one group), one PDF
each, in one ZIP.

Made in the background as a students.ExportJob of this kind (progress page, file removed after a day).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit.context import acting_as
from audit.models import Action
from audit.services import record_pupils
from students.schoolyear import current_school_year
from students.selectors import pupils_visible_to, rights_for
from students.text import file_slug

from . import document, pdf
from .access import form_rights
from .models import Formulier

KIND = "doorstroomformulieren"
COMPLETE = (Formulier.State.COMPLEET, Formulier.State.GEACCORDEERD, Formulier.State.VERZONDEN)


def _complete(user: User, group_id: int | None) -> QuerySet[Formulier]:
    """The complete versions of the forms of this school year's pupils in the user's scope (of one group, or all)."""
    pupils = pupils_visible_to(user).filter(school_year=current_school_year())
    if group_id:
        pupils = pupils.filter(group_id=group_id)
    return Formulier.objects.filter(pupil__in=pupils, state__in=COMPLETE)


def complete_forms(user: User, group_id: int | None = None) -> list[Formulier]:
    """Per pupil of this school year in the user's scope (of one group, or all): the newest version that is
    complete (a correction still being made leaves the last sent version in the bundle)."""
    forms: QuerySet[Formulier] = (
        _complete(user, group_id)
        .select_related("declaration", "pupil", "pupil__school", "pupil__group")
        .order_by("pupil__group__name", "pupil__achternaam", "pupil__voornaam", "pupil_id", "-version")
    )
    newest: dict[int, Formulier] = {}
    for form in forms:
        newest.setdefault(form.pupil_id, form)
    return list(newest.values())


def count_complete(user: User, group_id: int | None = None) -> int:
    return _complete(user, group_id).values("pupil_id").distinct().count()


def write_zip(
    forms: list[Formulier], out, progress=None, *, include_care: bool | Callable[[Formulier], bool] = True
) -> int:
    """One PDF per form in a ZIP; ``include_care``: whether a form's care steps go in (per form, when a function)."""
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # one for the whole bundle: loading the fonts once is most of a small PDF
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, form in enumerate(forms, start=1):
            care = include_care(form) if callable(include_care) else include_care
            doc = document.build(form, include_care=care, links=False)
            group = form.pupil.group
            folder = file_slug(group.name) if group is not None else "niet-ingedeeld"
            name = f"{folder}/{pdf.filename(doc)}"
            if name in used:
                name = name.replace(".pdf", f"-{form.pupil_id}.pdf")
            used.add(name)
            archive.writestr(name, pdf.render(doc, font_config=fonts))
            if progress:
                progress(number, len(forms))
    return len(forms)


def run_bundle(job, progress) -> tuple[str, bytes, list]:
    group_id = job.params.get("groep")
    forms = complete_forms(job.user, group_id)
    progress(0, len(forms))
    out = io.BytesIO()

    def reads_care(form: Formulier) -> bool:
        # The form's rights decide, as on the form's own page (the pupil is in scope: complete_forms).
        return form_rights(job.user, rights_for(job.user, form.pupil)).read_care

    write_zip(forms, out, progress, include_care=reads_care)
    pupils = [form.pupil for form in forms]
    with acting_as("", screen="doorstroom:bundle", user=job.user):
        record_pupils(
            Action.EXPORT,
            pupils,
            summary="doorstroomformulieren van een groep als ZIP" if group_id else "alle doorstroomformulieren als ZIP",
        )
    which = file_slug(job.user.organisation.name)[:60]
    if group_id and forms and forms[0].pupil.group is not None:
        which += "-" + file_slug(forms[0].pupil.group.name)[:30]
    return f"doorstroomformulieren-{which}-{timezone.localtime():%Y-%m-%d}.zip", out.getvalue(), pupils
