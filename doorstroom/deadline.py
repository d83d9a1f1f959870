"""1 February (procedure Haaglanden): "De doorstroomformulieren zijn ingevuld". The day after, every school with
pupils that have no complete form gets one melding, with a link to exactly those pupils. The date is a
notifications.Deadline per region (editable in admin); notifications does not know the forms, so doorstroom
checks this one."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from notifications.deadlines import warn
from notifications.models import Deadline, DeadlineCheck
from students.formstate import without_complete_form
from students.models import Pupil
from students.schoolyear import current_school_year

QUERY = "formulier=onvolledig"


def check_forms_deadline(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    year = current_school_year()
    created = 0
    schools = Organisation.objects.filter(kind=OrganisationKind.VO_SCHOOL)
    for deadline in Deadline.objects.filter(active=True, rule=DeadlineCheck.FORMULIEREN):
        if today <= deadline.date_in(year):
            continue
        for school in schools.filter(region=deadline.region):
            count = without_complete_form(Pupil.objects.filter(school=school, school_year=year)).count()
            created += warn(deadline=deadline, school=school, year=year, count=count, query=QUERY)
    return created
