"""Retention of pupil data: a pupil goes two years (by default) after leaving the school's view.

A pupil is in view in their own school year and the next (Oud leerlingen); they leave it when the school
year after that starts. From then the period counts. Everything of the pupil goes with them: aanmeldingen
and their history, Elders, flags, meldingen, and whatever other apps keep (``pupil_removing``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register

from .models import ExportJob, Pupil, SchoolYearStart
from .schoolyear import FIRST_MONTH, current_school_year


def left_view_at(school_year: int) -> datetime.datetime:
    """When pupils of ``school_year`` left the school's view: the start of the school year two on."""
    year = school_year + 2
    started = SchoolYearStart.objects.filter(year=year).values_list("started_at", flat=True).first()
    return started or timezone.make_aware(datetime.datetime(year, FIRST_MONTH, 1))


# Other apps that must keep some pupils longer than their own period (verzuim: five years after a melding closed)
# register a hold: a function returning the ids of the pupils to keep (a values("pupil_id") queryset).
_HOLDS: list[Callable[[], QuerySet]] = []


def register_hold(hold: Callable[[], QuerySet]) -> None:
    _HOLDS.append(hold)


def expired_pupils(cutoff: datetime.datetime):
    years = Pupil.objects.filter(school_year__lte=current_school_year() - 2).values_list("school_year", flat=True)
    gone = [year for year in set(years) if left_view_at(year) <= cutoff]
    pupils = Pupil.objects.filter(school_year__in=gone)
    for hold in _HOLDS:
        pupils = pupils.exclude(pk__in=hold())
    return pupils


def purge_pupils(cutoff: datetime.datetime) -> int:
    from .privacy import remove_pupil_completely

    count = 0
    for pupil in expired_pupils(cutoff).select_related("school").iterator(chunk_size=200):
        remove_pupil_completely(pupil=pupil, reason="retention")
        count += 1
    return count


def _purge_exports(cutoff: datetime.datetime) -> int:
    count = 0
    for job in ExportJob.objects.filter(created_at__lte=cutoff):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


register(
    Category(
        key="pupils",
        label=str(_("leerlinggegevens en doorstroomformulieren")),
        default_days=2 * 365,
        counts_from=str(_("het begin van het schooljaar waarin de leerling uit beeld verdween")),
        expired=lambda cutoff: expired_pupils(cutoff).count(),
        purge=purge_pupils,
    )
)
register(
    Category(
        key="exports",
        label=str(_("exportbestanden")),
        default_days=1,
        counts_from=str(_("het maken van het bestand")),
        expired=lambda cutoff: ExportJob.objects.filter(created_at__lte=cutoff).count(),
        purge=_purge_exports,
    )
)
