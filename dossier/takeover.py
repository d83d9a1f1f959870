"""The pupil's own doorstroomdossier as a source of answers for the school's doorstroomformulier
(doorstroom/suggestions.py): where the dossier's declaration names a question of the form as the same as one of its
own (``mapping``), the decaan sees the pupil's answer in the form and takes it over with one click.

Which dossier: the pupil's most recent one that went past part A (to the mentor, the akkoordverklaring, the mbo),
else the newest. Only answers the dossier shows count (an answer to a question its own conditions now hide does
not); part B's answers are the mentor's, in the same dossier.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from doorstroom.declaration import Declaration
from doorstroom.engine import evaluate
from doorstroom.suggestions import Offer
from students.models import Pupil

from .models import Dossier, DossierState
from .selectors import dossiers_visible_to

SOURCE = _("het doorstroomdossier van de leerling")


def dossier_for_form(user: User, pupil: Pupil) -> Dossier | None:
    """The pupil's dossier whose answers the form is offered, read through the access rule (one query)."""
    past_part_a = Case(When(state=DossierState.DEEL_A, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        dossiers_visible_to(user)
        .filter(account__pupil=pupil)
        .select_related("declaration")
        .annotate(past_part_a=past_part_a)
        .order_by("-past_part_a", "-created_at", "-pk")
        .first()
    )


def offer(user: User, pupil: Pupil) -> Offer | None:
    dossier = dossier_for_form(user, pupil)
    if dossier is None:
        return None
    spec = dossier.spec
    # Part A and B in one run: a question of B may depend on an answer of A (one set of keys, declaration.py).
    combined = {**dossier.answers, **dossier.mentor_answers}
    steps = spec.part_a.steps + (spec.part_b.steps if spec.part_b is not None else ())
    shown = evaluate(Declaration(title=spec.title, steps=steps), combined).shown_fields
    answers: dict[str, tuple[Any, Any]] = {}
    for form_key, own_key in spec.mapping.items():
        fld = spec.field(own_key)
        held = dossier.answers if own_key in spec.part_a.fields else dossier.mentor_answers
        if fld is not None and own_key in shown and own_key in held:
            answers[form_key] = (fld, held[own_key])
    return Offer(source=str(SOURCE), answers=answers)
