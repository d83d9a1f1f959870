"""Reads of the feed, scoped to the user: an ROC-gebruiker sees the batches of their own mbo-school only.

Reports name rows by line and aanmelding_id, never by name or BSN; the one access rule for pupils
(students.selectors) is not involved. But an aanmelding_id is the mbo-school's name for one pupil's
aanmelding, and a line says what happened to it: a report is pupil data in pseudonymised form, so showing
it is recorded in the audit log, naming the pupils VOROC knows behind those ids (``pupils_named_by``).
The servicedesk reads every batch in admin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import MBO_ROLES
from accounts.models import User
from audit.services import PupilRef
from students.models import Aanmelding

from .models import REPORTED_LINE_KINDS, Batch, BatchLine


def batches_visible_to(user: User) -> QuerySet[Batch]:
    if not user.is_authenticated or not user.is_active or user.role not in MBO_ROLES:
        return Batch.objects.none()
    return Batch.objects.filter(mbo_school_id=user.organisation_id).defer("payload")


def get_batch_for_user(user: User, pk: int) -> Batch:
    """The user's school's batch, or 404 (another school's batch does not exist for them)."""
    batch = batches_visible_to(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def batch_lines(batch: Batch, kind: str | None = None) -> QuerySet[BatchLine]:
    lines = BatchLine.objects.filter(batch=batch)
    if kind:
        lines = lines.filter(kind=kind)
    return lines.order_by("line", "pk")


def reported_lines(batch: Batch, kind: str | None = None) -> QuerySet[BatchLine]:
    """The lines the mbo-school reads (API and page): not the rows that wait for their pupil, so that a report does
    not tell whether a BSN belongs to a pupil in VOROC (the servicedesk sees those in admin)."""
    return batch_lines(batch, kind).filter(kind__in=REPORTED_LINE_KINDS)


def pupils_named_by(aanmelding_ids: Iterable[tuple[int, str]]) -> list[PupilRef]:
    """The pupils behind (mbo-school id, aanmelding_id) pairs, for the audit log; one query for a page.

    A row still waiting for its pupil (BSN unknown) names nobody VOROC knows: it has no pupil here."""
    by_school: dict[int, set[str]] = defaultdict(set)
    for school_id, aanmelding_id in aanmelding_ids:
        if aanmelding_id:
            by_school[school_id].add(aanmelding_id)
    if not by_school:
        return []
    named = reduce(or_, (Q(mbo_school_id=school, external_id__in=ids) for school, ids in by_school.items()))
    rows = Aanmelding.objects.filter(named).values_list("pupil_id", "pupil__school_id").distinct()
    return [PupilRef(pk, school_id) for pk, school_id in rows]
