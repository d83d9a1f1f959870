"""The consent of the pupil and the parents to send the form to the mbo (step Akkoord: "Gaan de leerling en de
ouders akkoord met het doorsturen naar het mbo?", the declaration's consent question).

The rule, in one place for approving and sending:

* a version is approved only with the consent (engine.Progress.ready_to_approve); answered "Nee" or not at all,
  the form can be complete as a document (printed, mailed to the pupil) but not approved;
* a version is sent (also to an mbo-school where the pupil applies later, also by the hourly safety net
  ``deliver_missing_forms``) only when its own answers hold the consent, and the pupil's current version has
  not withdrawn it (sending.may_send);
* withdrawn after sending (a correction answered "Nee"): what was sent stays with the mbo-schools that received
  it — a sent version never changes — but nothing new goes out: not that correction, not the sent version to
  a new mbo-school, and no later change of the extra aandacht (students/passed_on.py).

What was sent records the consent it was sent on (Snapshot.consent_*): the answer, who last saved that answer
and when (the form's history, FormRevision, which names the fields each save changed), and the version.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .engine import evaluate
from .models import FormRevision, Formulier
from .selectors import attachment_counts

MISSING = _(
    "De leerling en de ouders hebben (nog) geen toestemming gegeven voor het doorsturen naar het mbo. "
    "Zonder toestemming wordt het formulier niet verstuurd."
)
WITHDRAWN = _(
    "De toestemming voor het doorsturen is ingetrokken. Wat al verzonden is, blijft bij het mbo; er wordt niets "
    "nieuws meer verstuurd, ook niet naar een mbo-school waar de leerling zich later aanmeldt."
)


@dataclass(frozen=True)
class ConsentRecord:
    answer: str  # the answer that gives the consent ("ja")
    by_name: str  # who last saved that answer ("" when the history does not say: a form made by an import)
    at: datetime.datetime | None
    version: int  # the version of the form the consent was given for (the one sent)


def given(form: Formulier) -> bool:
    """This version's saved answers hold the consent (read from the answers, not from the kept flag)."""
    return evaluate(form.declaration.parsed(), form.answers, attachment_counts(form)).consent


def record_of(form: Formulier) -> ConsentRecord | None:
    """The consent of this version as the snapshot records it, or None without consent.

    Who and when: the newest save that changed the consent question, in this version or the one it corrects
    (a correction starts with the answers of the sent version, so the answer may have been saved there)."""
    question = form.declaration.parsed().consent_field
    if question is None or not given(form):
        return None
    saves = FormRevision.objects.filter(
        form__pupil_id=form.pupil_id, form__version__lte=form.version, action=FormRevision.Action.SAVED
    ).order_by("-form__version", "-at", "-pk")
    found = next((r for r in saves.only("fields", "user_name", "at") if question.key in (r.fields or [])), None)
    return ConsentRecord(
        answer=question.consent,
        by_name=found.user_name if found else "",
        at=found.at if found else None,
        version=form.version,
    )
