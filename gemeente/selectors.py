"""Reads of the gemeente's side, each starting from the one access rule (students.selectors.pupils_visible_to).

* A gemeente user sees the remarks and cases of their own gemeente about the pupils who live in it now.
* The pupil's school (decaan, mentor of the group, zorgcoördinator) sees every remark and the status and outcome of
  every case about its pupils in scope; never the gemeente's contact log.
* An mbo-school sees the niet-verschenen reports it made itself.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import Role, User
from students.selectors import pupils_visible_to

from .models import Case, CaseStatusChange, Remark


def remarks_visible_to(user: User) -> QuerySet[Remark]:
    remarks = Remark.objects.filter(pupil__in=pupils_visible_to(user))
    if user.role == Role.GEMEENTE:
        return remarks.filter(gemeente_id=user.organisation_id)
    if user.role == Role.ROC:
        return remarks.none()
    return remarks


def cases_visible_to(user: User) -> QuerySet[Case]:
    return cases_of_pupils_in_scope(user).filter(pupil__in=pupils_visible_to(user))


def cases_of_pupils_in_scope(user: User) -> QuerySet[Case]:
    """The rule's own filter on cases, for rows joined to pupils already taken from pupils_visible_to (a per-pupil
    EXISTS): a gemeente its own, an mbo-school the ones it reported, the school all."""
    if user.role == Role.GEMEENTE:
        return Case.objects.filter(gemeente_id=user.organisation_id)
    if user.role == Role.ROC:
        return Case.objects.filter(reported_by_organisation_id=user.organisation_id)
    return Case.objects.all()


def with_history(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("gemeente", "reported_by_organisation", "aanmelding__opleiding").prefetch_related(
        Prefetch("history", queryset=CaseStatusChange.objects.order_by("at", "pk"))
    )


def get_case_for_user(user: User, pk: int) -> Case | None:
    return (
        with_history(cases_visible_to(user))
        .select_related("pupil", "pupil__school", "pupil__group")
        .filter(pk=pk)
        .first()
    )
