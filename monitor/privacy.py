"""What the monthly reports keep about a pupil, for the inzage (AVG), and how long they are kept.

A report (its row and both files) goes three months after its peildatum: retention category ``maandrapportages``
(92 days by default, changeable with ``VOROC_RETENTION_DAYS`` like every category), purged every night by
``voroc.tasks.purge_expired``. A pupil removed completely is taken out of the files of the reports they are on.
"""

from __future__ import annotations

import datetime

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, categories, register
from students.models import Pupil
from students.privacy import Section, register_section
from students.signals import pupil_removing

from .models import MonthlyReport

KEY = "maandrapportages"
DEFAULT_DAYS = 92  # three months: the longest three calendar months (July to September) have 92 days


def _expired(cutoff: datetime.datetime):
    """The reports whose peildatum lies the period or longer before now (``cutoff`` is now minus the period)."""
    return MonthlyReport.objects.filter(peildatum__lte=timezone.localdate(cutoff))


def purge_reports(cutoff: datetime.datetime) -> int:
    from .reports import delete_files

    count = 0
    for report in _expired(cutoff):
        delete_files(report)
        report.delete()
        count += 1
    return count


register(
    Category(
        key=KEY,
        label=str(_("maandrapportages zonder startkwalificatie / zonder schoolbestemming, met hun bestanden")),
        default_days=DEFAULT_DAYS,
        counts_from=str(_("de peildatum van de rapportage")),
        expired=lambda cutoff: _expired(cutoff).count(),
        purge=purge_reports,
    )
)


def removal_date(peildatum: datetime.date) -> datetime.date:
    """The day the nightly purge removes the report of ``peildatum``."""
    days = next(c.days for c in categories() if c.key == KEY)
    return peildatum + datetime.timedelta(days=days)


def _reports_of(pupil: Pupil) -> list[MonthlyReport]:
    # Few rows (a report per gemeente per month, three months long): the pupils in the files are read in Python.
    return [
        report
        for report in MonthlyReport.objects.select_related("gemeente").order_by("peildatum", "pk")
        if any(pk == pupil.pk for pk, _school in report.pupils_in_file)
    ]


def _rows(pupil: Pupil) -> list[dict]:
    return [
        {"gemeente": r.gemeente.name, "peildatum": r.peildatum, "gemaakt_op": r.created_at} for r in _reports_of(pupil)
    ]


register_section(
    Section("maandrapportages", "Maandrapportages aan de gemeente (zonder startkwalificatie / schoolbestemming)", _rows)
)


@receiver(pupil_removing, sender=Pupil)
def take_the_pupil_out_of_the_reports(sender, pupil: Pupil, **kwargs) -> None:
    from .reports import remake_without

    for report in _reports_of(pupil):
        remake_without(report, pupil.pk)
