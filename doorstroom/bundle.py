"""Downloaden van alle doorstroomformulieren: every complete form the user sees (or those of one group), one PDF
each, in one ZIP.

Made in the background as a students.ExportJob of this kind (progress page, file removed after a day).
"""

from __future__ import annotations

import io
import zipfile

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit.context import acting_as
from audit.models import Action
from audit.services import record_pupils
from students.schoolyear import current_school_year
from students.selectors import pupils_visible_to
from students.text import file_slug

from . import document, pdf
from .models import Formulier

KIND = "doorstroomformulieren"
COMPLETE = (Formulier.State.COMPLEET, Formulier.State.GEACCORDEERD, Formulier.State.VERZONDEN)


def _pupils(user: User, group_id: int | None) -> QuerySet:
    pupils = pupils_visible_to(user).filter(school_year=current_school_year())
    return pupils.filter(group_id=group_id) if group_id else pupils


def complete_forms(user: User, group_id: int | None = None) -> list[Formulier]:
    """Per pupil of this school year in the user's scope (of one group, or all): the newest version that is
    complete (a correction still being made leaves the last sent version in the bundle)."""
    forms: QuerySet[Formulier] = (
        Formulier.objects.filter(pupil__in=_pupils(user, group_id), state__in=COMPLETE)
        .select_related("declaration", "pupil", "pupil__school", "pupil__group")
        .order_by("pupil__group__name", "pupil__achternaam", "pupil__voornaam", "pupil_id", "-version")
    )
    newest: dict[int, Formulier] = {}
    for form in forms:
        newest.setdefault(form.pupil_id, form)
    return list(newest.values())


def count_complete(user: User, group_id: int | None = None) -> int:
    return (
        Formulier.objects.filter(pupil__in=_pupils(user, group_id), state__in=COMPLETE)
        .values("pupil_id")
        .distinct()
        .count()
    )


def write_zip(forms: list[Formulier], out, progress=None, *, include_care: bool = True) -> int:
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # one for the whole bundle: loading the fonts once is most of a small PDF
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, form in enumerate(forms, start=1):
            doc = document.build(form, include_care=include_care, links=False)
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
    from .access import ROLE_RIGHTS

    group_id = job.params.get("groep")
    forms = complete_forms(job.user, group_id)
    progress(0, len(forms))
    out = io.BytesIO()
    include_care = ROLE_RIGHTS.get(job.user.role) is not None and ROLE_RIGHTS[job.user.role].read_care
    write_zip(forms, out, progress, include_care=include_care)
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
