"""Helpers for doorstroomformulier tests: real PDFs, complete answers, forms in a given state."""

from __future__ import annotations

import copy
import datetime
import json
import random
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from doorstroom.demo import answers_for
from doorstroom.models import Declaration, Formulier
from doorstroom.pdfgen import simple_pdf
from doorstroom.selectors import current_declaration
from doorstroom.services import refresh_state
from students.models import Pupil

HAAGLANDEN = Path(__file__).resolve().parents[2] / "doorstroom" / "declarations" / "haaglanden-2026.json"


def haaglanden() -> dict:
    return json.loads(HAAGLANDEN.read_text(encoding="utf-8"))


def document_with(**changes) -> dict:
    doc = copy.deepcopy(haaglanden())
    doc.update(changes)
    return doc


def pdf_file(name: str = "lob-paspoort.pdf", lines: list[str] | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(lines or ["LOB-paspoort", name]), content_type="application/pdf")


def declaration_for(pupil: Pupil) -> Declaration:
    return current_declaration(region=pupil.school.region, school_year=pupil.school_year)


def complete_answers(pupil: Pupil, *, doelgroep: str = "geen", seed: int = 1) -> dict:
    """Answers to every required field of the steps that are shown for this doelgroep (and some optional ones)."""
    from doorstroom.engine import evaluate

    spec = declaration_for(pupil).parsed()
    answers = answers_for(spec, random.Random(seed))
    answers["doelgroep"] = doelgroep
    for _round in range(5):  # filling a field can show another (a condition), so look again
        progress = evaluate(spec, answers, {"lob_paspoort": 1})
        missing = [f for step in progress.shown_steps for f in step.missing if f.type != "attachment"]
        if not missing:
            break
        for fld in missing:
            answers[fld.key] = _any_value(fld)
    shown = evaluate(spec, answers, {"lob_paspoort": 1}).shown_fields
    return {k: v for k, v in answers.items() if k in shown}


def _any_value(fld):
    if fld.type == "yesno":
        return "ja"
    if fld.type in ("choice", "score"):
        return fld.choices[0][0]
    if fld.type == "multichoice":
        return [fld.choices[0][0]]
    if fld.type == "date":
        return (timezone.localdate() - datetime.timedelta(days=30)).isoformat()  # within any date window
    if fld.type == "rows":
        return [{c.key: "x" for c in fld.columns if c.type == "text"}]
    return f"Tekst voor {fld.label}"


def attach_saved(form: Formulier, field_key: str, upload, *, by=None):
    """An attachment that is part of the saved form (as after someone added it and pressed Opslaan)."""
    from doorstroom.attachments import check_pdf, stored_file
    from doorstroom.models import Attachment

    sha, pages = check_pdf(upload)
    blob = stored_file(sha=sha, size=upload.size, pages=pages, content=upload)
    return Attachment.objects.create(form=form, field=field_key, name=upload.name, blob=blob, uploaded_by=by)


def make_form(pupil: Pupil, *, answers: dict | None = None, by=None, lob: bool = True) -> Formulier:
    """A form with these answers (and an LOB-paspoort), its state computed as a save would."""
    form = Formulier.objects.create(pupil=pupil, declaration=declaration_for(pupil), answers=answers or {})
    if lob:
        attach_saved(form, "lob_paspoort", pdf_file(), by=by)
    refresh_state(form, changed=False, by=by)
    form.save()
    return form


def complete_form(pupil: Pupil, **kwargs) -> Formulier:
    return make_form(pupil, answers=complete_answers(pupil, **kwargs))
