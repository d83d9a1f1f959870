"""What the monitor counts, defined once: every figure is a condition on the pupils (or aanmeldingen) of the
user's scope, annotated here. The counts (monitor.counting) and the lists a count opens (monitor.listing) apply
the same condition to the same queryset, so a count cannot disagree with its list.

The scope is the one access rule: the pupils of ``students.selectors.pupils_visible_to`` in the chosen school
year, their aanmeldingen through ``aanmeldingen_visible_to`` (an mbo-school sees only its own), the gemeente's
cases through ``gemeente.selectors.cases_visible_to``. An mbo-school therefore never learns from a figure where
else a pupil applied or went (its figures count its own aanmeldingen only, and no Elders).
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from doorstroom.models import Delivery, Formulier
from gemeente.models import Case, CaseKind, CaseStatus, Contact
from gemeente.selectors import cases_of_pupils_in_scope, cases_visible_to
from notifications.models import DeadlineCheck
from students.destination import HEADING_LABELS, Heading
from students.formstate import COMPLETE
from students.models import Aanmelding, Elders, Pupil, Status, StatusChange
from students.selectors import aanmeldingen_of_pupils_in_scope, aanmeldingen_visible_to, pupils_visible_to


class ScopeKind(enum.StrEnum):
    SCHOOL = "school"  # a vo-school's decaan/beheerder (all its pupils) or mentor (their groups)
    GEMEENTE = "gemeente"  # the residents of a gemeente, at any vo-school
    MBO = "mbo"  # the pupils who applied at an mbo-school, and only those aanmeldingen


MONITOR_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN, Role.MENTOR, Role.GEMEENTE, Role.ROC})


def kind_of(user: User) -> ScopeKind:
    if user.role == Role.GEMEENTE:
        return ScopeKind.GEMEENTE
    if user.role == Role.ROC:
        return ScopeKind.MBO
    return ScopeKind.SCHOOL


@dataclass(frozen=True)
class Scope:
    """The user's pupils in one school year, through the one access rule."""

    user: User
    year: int

    @property
    def kind(self) -> ScopeKind:
        return kind_of(self.user)

    def pupils(self) -> QuerySet[Pupil]:
        return pupils_visible_to(self.user).filter(school_year=self.year)

    def aanmeldingen(self) -> QuerySet[Aanmelding]:
        return aanmeldingen_visible_to(self.user).filter(pupil__school_year=self.year)

    def cases(self) -> QuerySet[Case]:
        return cases_visible_to(self.user)

    def own_aanmeldingen(self) -> QuerySet[Aanmelding]:
        """The aanmeldingen the rule shows of a pupil in scope: all of them, an mbo-school only its own."""
        return aanmeldingen_of_pupils_in_scope(self.user)

    def own_cases(self) -> QuerySet[Case]:
        """The cases the rule shows of a pupil in scope (gemeente.selectors)."""
        return cases_of_pupils_in_scope(self.user)


# --- pupils ---------------------------------------------------------------------------------------------------
OPEN_STATUSES = [Status.NIET_INGESCHREVEN, Status.ONTVANGSTBEVESTIGING, Status.INTAKE]
CLOSED_STATUSES = [Status.INTAKE_GEANNULEERD, Status.NEGATIEF_BESLUIT]


def _heading() -> SqlCase:
    """The expected destination (students.destination.expected_destination) in SQL, settled to open."""
    return SqlCase(
        When(has_definitief=True, then=Value(Heading.DEFINITIEF.value)),
        When(has_elders=True, then=Value(Heading.ELDERS.value)),
        When(has_positief=True, then=Value(Heading.POSITIEF.value)),
        When(has_open=True, then=Value(Heading.AANGEMELD.value)),
        When(has_aanmelding=True, then=Value(Heading.NEGATIEF.value)),
        default=Value(Heading.GEEN.value),
        output_field=CharField(),
    )


def _earliest3(a: str, b: str, c: str) -> SqlCase:
    return SqlCase(
        When(**{f"{a}__isnull": True}, then=_earliest(b, c)),
        When(**{f"{b}__isnull": True}, then=_earliest(a, c)),
        When(**{f"{c}__isnull": True}, then=_earliest(a, b)),
        When(Q(**{f"{a}__lte": F(b)}) & Q(**{f"{a}__lte": F(c)}), then=F(a)),
        When(**{f"{b}__lte": F(c)}, then=F(b)),
        default=F(c),
        output_field=DateField(),
    )


def _earliest(a: str, b: str) -> SqlCase:
    """The earlier of two dates, either of which may be missing (NULL is not "earlier" in every database)."""
    return SqlCase(
        When(**{f"{a}__isnull": True}, then=F(b)),
        When(**{f"{b}__isnull": True}, then=F(a)),
        When(**{f"{a}__lte": F(b)}, then=F(a)),
        default=F(b),
        output_field=DateField(),
    )


def _first_day(rows: QuerySet[Any], field: str) -> Subquery:
    """The earliest day (local date) of ``field`` among ``rows`` of the pupil."""
    ordered = rows.filter(pupil=OuterRef("pk")).order_by(field)
    days = ordered.values(field) if field == "date" else ordered.annotate(day=TruncDate(field)).values("day")
    return Subquery(days[:1], output_field=DateField())


def annotate_pupils(scope: Scope, pupils: QuerySet[Pupil] | None = None) -> QuerySet[Any]:
    """The scope's pupils with what every pupil figure tests, each an EXISTS on the pupil's own rows.

    The pupils come from the access rule; their aanmeldingen and cases are then read with the rule's own filter for
    a pupil already in scope (``scope.own_aanmeldingen`` / ``scope.own_cases``), which the database can look up
    per pupil instead of re-deriving the whole scope inside every EXISTS.
    """
    pupils = scope.pupils() if pupils is None else pupils
    own = scope.own_aanmeldingen()

    def aanmelding(**filters: Any) -> Exists:
        return Exists(own.filter(pupil=OuterRef("pk"), **filters))

    cases = scope.own_cases()

    def case(kind: str, **filters: Any) -> Exists:
        return Exists(cases.filter(pupil=OuterRef("pk"), kind=kind, **filters))

    if scope.kind == ScopeKind.MBO:  # the mbo sees its own aanmeldingen only: never Elders
        elders: Any = Value(False, output_field=BooleanField())
    else:
        elders = Exists(Elders.objects.filter(pupil=OuterRef("pk")))
    annotations: dict[str, Any] = {
        "has_aanmelding": aanmelding(),
        "has_definitief": aanmelding(status=Status.DEFINITIEF),
        "has_positief": aanmelding(status=Status.POSITIEF_BESLUIT),
        "has_open": aanmelding(status__in=OPEN_STATUSES),
        "has_elders": elders,
    }
    for kind in CaseKind:
        annotations[f"has_{kind.value}"] = case(kind)
        annotations[f"open_{kind.value}"] = case(kind, status__in=[CaseStatus.ONTVANGEN, CaseStatus.IN_BEHANDELING])
    if scope.kind == ScopeKind.GEMEENTE:
        annotations["has_contact"] = Exists(Contact.objects.filter(case__in=cases, case__pupil=OuterRef("pk")))
    else:
        annotations["has_contact"] = Value(False, output_field=BooleanField())
    if scope.kind == ScopeKind.MBO:
        annotations["form_here"] = Exists(
            Delivery.objects.filter(snapshot__form__pupil=OuterRef("pk"), mbo_school_id=scope.user.organisation_id)
        )
    else:
        annotations["form_complete"] = Exists(Formulier.objects.filter(pupil=OuterRef("pk"), state__in=COMPLETE))
    return pupils.annotate(**annotations).annotate(heading=_heading())


def with_aangemeld_op(scope: Scope, pupils: QuerySet[Any]) -> QuerySet[Any]:
    """``aangemeld_op``: the first day the pupil was aangemeld – the earliest of an own aanmelding's recording, its
    first status (the mbo's date of inschrijving) and a destination under Elders (not for an mbo-school)."""
    own = scope.own_aanmeldingen()
    annotated = pupils.annotate(
        first_recorded=_first_day(own, "created_at"),
        first_status=_first_day(
            StatusChange.objects.filter(aanmelding__in=own).annotate(pupil=F("aanmelding__pupil")), "at"
        ),
    )
    if scope.kind == ScopeKind.MBO:
        return annotated.annotate(aangemeld_op=_earliest("first_recorded", "first_status"))
    annotated = annotated.annotate(first_elders=_first_day(Elders.objects.all(), "date"))
    return annotated.annotate(aangemeld_op=_earliest3("first_recorded", "first_status", "first_elders"))


def first_days(scope: Scope) -> tuple[list[datetime.date], int]:
    """The day each pupil of the scope was first aangemeld (as ``with_aangemeld_op``, computed with three grouped
    queries instead of per pupil), sorted, and the number of pupils."""
    from django.db.models import Min
    from django.utils import timezone

    pupils = scope.pupils()
    own = scope.own_aanmeldingen().filter(pupil__in=pupils)
    first: dict[int, datetime.date] = {}

    def keep(pupil_id: int, day: datetime.date | None) -> None:
        if day is not None and (pupil_id not in first or day < first[pupil_id]):
            first[pupil_id] = day

    for pupil_id, at in own.order_by().values("pupil_id").annotate(at=Min("created_at")).values_list("pupil_id", "at"):
        keep(pupil_id, timezone.localdate(at))
    changes = StatusChange.objects.filter(aanmelding__in=own).order_by().values("aanmelding__pupil_id")
    for pupil_id, at in changes.annotate(at=Min("at")).values_list("aanmelding__pupil_id", "at"):
        keep(pupil_id, timezone.localdate(at))
    if scope.kind != ScopeKind.MBO:
        elders = Elders.objects.filter(pupil__in=pupils).order_by().values("pupil_id").annotate(day=Min("date"))
        for pupil_id, day in elders.values_list("pupil_id", "day"):
            keep(pupil_id, day)
    return sorted(first.values()), pupils.count()


@dataclass(frozen=True)
class Figure:
    """One count of the monitor and the list it opens."""

    key: str
    label: str | Promise
    condition: Q
    explanation: str | Promise = ""
    after: str = ""  # a DeadlineCheck: from that date in the year this list matters
    kinds: frozenset[ScopeKind] = frozenset(ScopeKind)
    unit: str = "pupils"  # or "aanmeldingen"


SCHOOL_AND_GEMEENTE = frozenset({ScopeKind.SCHOOL, ScopeKind.GEMEENTE})

HEADING_FIGURES = [
    Figure(
        f"bestemming_{h.value}",
        HEADING_LABELS[h],
        Q(heading=h.value),
        # an mbo-school sees neither Elders nor pupils without an aanmelding at its own school
        kinds=SCHOOL_AND_GEMEENTE if h in (Heading.ELDERS, Heading.GEEN) else frozenset(ScopeKind),
    )
    for h in Heading
]
NO_PLACE = Q(has_definitief=False, has_elders=False)

# The lists that matter at each date of the year (procedure Haaglanden), in the order of the year.
SIGNAL_FIGURES = [
    Figure(
        "formulier_onvolledig",
        _("Nog geen compleet doorstroomformulier"),
        Q(form_complete=False),
        _("Het doorstroomformulier is nog niet compleet."),
        after=DeadlineCheck.FORMULIEREN,
        kinds=frozenset({ScopeKind.SCHOOL}),
    ),
    Figure(
        "geen_aanmelding",
        _("Geen aanmelding"),
        Q(has_aanmelding=False, has_elders=False),
        _("Nog nergens aangemeld en geen bestemming bij Elders."),
        after=DeadlineCheck.AANGEMELD,
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "geen_positief",
        _("Geen positief besluit"),
        Q(has_positief=False, has_definitief=False, has_elders=False),
        _("Geen positief plaatsingsbesluit of definitieve keuze, en geen bestemming bij Elders."),
        after=DeadlineCheck.TERUGKOPPELING,
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "diploma_zonder_plaats",
        _("Diploma, nog geen plaats"),
        Q(diploma=True) & NO_PLACE,
        _("Geslaagd, maar nog geen definitieve keuze en geen bestemming bij Elders."),
        after=DeadlineCheck.DIPLOMA,
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "geen_diploma",
        _("Geen diploma (geen startkwalificatie)"),
        Q(diploma=False),
        _("Niet geslaagd voor het vmbo-diploma."),
        after=DeadlineCheck.DIPLOMA,
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "zonder_bestemming",
        _("Zonder schoolbestemming"),
        NO_PLACE,
        _("Geen definitieve keuze bij een mbo-school en geen bestemming bij Elders."),
        after=DeadlineCheck.DIPLOMA,
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "overstap_open",
        _("De Overstap, nog open"),
        Q(open_overstap=True),
        _("Aangemeld voor De Overstap; de melding is ontvangen of in behandeling."),
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "overstap_afgesloten",
        _("De Overstap, afgesloten"),
        Q(has_overstap=True, open_overstap=False),
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "risico_open",
        _("Risicomelding, nog open"),
        Q(open_risico=True),
        _("Gemeld als risicoleerling; de melding is ontvangen of in behandeling."),
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "risico_afgesloten",
        _("Risicomelding, afgesloten"),
        Q(has_risico=True, open_risico=False),
        kinds=SCHOOL_AND_GEMEENTE,
    ),
    Figure(
        "niet_verschenen",
        _("Niet verschenen"),
        Q(has_niet_verschenen=True),
        _("De mbo-school meldde dat de leerling niet is verschenen."),
    ),
    Figure(
        "formulier_niet_ontvangen",
        _("Doorstroomformulier nog niet ontvangen"),
        Q(form_here=False),
        _("De vo-school heeft het doorstroomformulier nog niet naar uw school verstuurd."),
        kinds=frozenset({ScopeKind.MBO}),
    ),
]
# June to October: who may be without a place on 1 October (the zomerlek).
ZOMERLEK = Figure(
    "zomerlek",
    _("Risico op geen plaats op 1 oktober"),
    NO_PLACE | Q(has_niet_verschenen=True),
    _(
        "Geen definitieve keuze en geen bestemming bij Elders (ook na een negatief besluit of een geannuleerde "
        "intake), of niet verschenen bij de mbo-school."
    ),
    kinds=SCHOOL_AND_GEMEENTE,
)
# For the Actielijst: a gemeente that has had no contact yet with a pupil without a place.
NO_CONTACT = Figure(
    "zonder_bestemming_geen_contact",
    _("Zonder schoolbestemming, nog geen contact"),
    NO_PLACE & Q(has_contact=False),
    kinds=frozenset({ScopeKind.GEMEENTE}),
)
ALL_PUPILS = Figure("alle", _("Alle leerlingen"), Q())
AANGEMELD = Figure(
    "aangemeld",
    _("Aangemeld"),
    Q(has_aanmelding=True) | Q(has_elders=True),
    _("Aangemeld bij een mbo-opleiding, of met een bestemming bij Elders."),
    kinds=SCHOOL_AND_GEMEENTE,
)


# --- aanmeldingen ---------------------------------------------------------------------------------------------
def annotate_aanmeldingen(scope: Scope) -> QuerySet[Aanmelding]:
    """The scope's aanmeldingen; for an mbo-school with whether the form reached it."""
    aanmeldingen = scope.aanmeldingen()
    if scope.kind == ScopeKind.MBO:
        aanmeldingen = aanmeldingen.annotate(
            form_here=Exists(
                Delivery.objects.filter(
                    snapshot__form__pupil=OuterRef("pupil_id"), mbo_school_id=scope.user.organisation_id
                )
            )
        )
    return aanmeldingen


STATUS_FIGURES = [Figure(f"status_{int(s)}", s.label, Q(status=s), unit="aanmeldingen") for s in Status]
AANMELDING_FIGURES = [
    Figure("aanmeldingen", _("Alle aanmeldingen"), Q(), unit="aanmeldingen"),
    Figure(
        "aanmelding_formulier_ontvangen",
        _("Doorstroomformulier ontvangen"),
        Q(form_here=True),
        unit="aanmeldingen",
        kinds=frozenset({ScopeKind.MBO}),
    ),
    Figure(
        "aanmelding_formulier_niet",
        _("Doorstroomformulier nog niet ontvangen"),
        Q(form_here=False),
        unit="aanmeldingen",
        kinds=frozenset({ScopeKind.MBO}),
    ),
    Figure(
        "aanmelding_afgewezen",
        _("Negatief besluit of intake geannuleerd"),
        Q(status__in=CLOSED_STATUSES),
        unit="aanmeldingen",
    ),
    Figure(
        "aanmelding_geen_besluit",
        _("Nog geen besluit"),
        Q(status__in=OPEN_STATUSES),
        _("Nog niet ingeschreven, ontvangstbevestiging of intake: het mbo heeft nog geen besluit teruggekoppeld."),
        after=DeadlineCheck.TERUGKOPPELING,
        unit="aanmeldingen",
    ),
]

FIGURES: dict[str, Figure] = {
    f.key: f
    for f in [
        ALL_PUPILS,
        AANGEMELD,
        *HEADING_FIGURES,
        *SIGNAL_FIGURES,
        ZOMERLEK,
        NO_CONTACT,
        *STATUS_FIGURES,
        *AANMELDING_FIGURES,
    ]
}


def figure_for(key: str, kind: ScopeKind) -> Figure | None:
    figure = FIGURES.get(key)
    return figure if figure is not None and kind in figure.kinds else None


def aangemeld_by(day: datetime.date) -> Q:
    """Aangemeld (an aanmelding or a destination under Elders) on or before ``day``."""
    return Q(aangemeld_op__lte=day)
