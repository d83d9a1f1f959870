"""Extra aandacht onderwijskeuzeproces as it reaches the mbo-schools, and since when.

The handleiding says the pop-up passes the information on "aan het roc"; it does not say it goes with the
aanmelding itself. It is pupil data leaving the school, so it goes on the same ground as the
doorstroomformulier: the recorded consent of the pupil and the parents (doorstroom/consent.py). An mbo-school
sees it only

* when the pupil has an aanmelding there this school year (the access rule, students.selectors), and
* once a version of the form with that consent was delivered to it.

While the consent stands (the pupil's current version of the form holds it), the school sees the current text.
Once a correction withdrew it, the school keeps what was sent with the last version it received
(``Snapshot.extra_aandacht``) and no later change reaches it.

"Doorgegeven op" is derived, not stored: the later of the first delivery with consent to that school and the
last change of the text (``FlagChange``, which every change through the pop-up writes); after a withdrawal,
the delivery that carried the text. A first view by the mbo would be later still, and is in the audit log
(every view of the pupil by an mbo user is recorded, as for any pupil page).

The forms belong to doorstroom, which imports students and not the other way round: the deliveries are read
through the lazy relation ``doorstroomformulieren`` (as students/formstate.py reads the form's state).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .models import Aanmelding, FlagChange, Pupil


@dataclass(frozen=True)
class PassedOn:
    mbo_school_id: int
    mbo_school_name: str
    text: str  # what the school sees
    since: datetime.datetime  # when this text reached it
    current: bool  # the text is the pupil's current one (False: consent withdrawn, a later change stayed here)


def extra_aandacht_passed_on(pupil: Pupil, *, mbo_school_id: int | None = None) -> list[PassedOn]:
    """Per mbo-school (or for the one named): the extra aandacht it sees, and since when; no entry where it
    sees none. Three queries, whatever the number of schools."""
    applied = set(
        Aanmelding.objects.filter(pupil=pupil, school_year=pupil.school_year).values_list("mbo_school_id", flat=True)
    )
    if mbo_school_id is not None:
        applied &= {mbo_school_id}
    if not applied:
        return []
    deliveries = (
        pupil.doorstroomformulieren.all()
        .exclude(snapshot__consent_answer="")
        .order_by("snapshot__deliveries__delivered_at")
        .values_list(
            "snapshot__deliveries__mbo_school_id",
            "snapshot__deliveries__mbo_school__name",
            "snapshot__deliveries__delivered_at",
            "snapshot__extra_aandacht",
        )
    )
    stands = pupil.doorstroomformulieren.filter(is_current=True, consent_given=True).exists()
    changed = pupil.flag_changes.filter(flag=FlagChange.Flag.EXTRA_AANDACHT).order_by("-at").values("at").first()
    found: dict[int, PassedOn] = {}
    for school_id, name, delivered_at, sent_text in deliveries:
        if school_id not in applied:
            continue
        if stands:
            if school_id not in found:  # the first delivery with consent opened the way
                since = max(delivered_at, changed["at"]) if changed else delivered_at
                found[school_id] = PassedOn(school_id, name, pupil.extra_aandacht, since, True)
        else:  # withdrawn: what the last delivery carried
            previous = found.get(school_id)
            since = previous.since if previous and previous.text == sent_text else delivered_at
            found[school_id] = PassedOn(school_id, name, sent_text, since, sent_text == pupil.extra_aandacht)
    return sorted((p for p in found.values() if p.text), key=lambda p: p.mbo_school_name)
