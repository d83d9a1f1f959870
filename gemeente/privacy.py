"""What the gemeente's side keeps about a pupil, for the inzage (AVG), and how long it is kept.

Remarks and reports point to the pupil and go with them when the pupil is removed (cascade)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register
from students.privacy import Section, register_section

from .models import Case, CaseStatus, Remark


def _remarks(pupil) -> list[dict]:
    return [
        {"gemeente": r.gemeente.name, "geschreven_op": r.created_at, "door": r.author_name, "opmerking": r.text}
        for r in Remark.objects.filter(pupil=pupil).select_related("gemeente").order_by("created_at", "pk")
    ]


def _cases(pupil) -> list[dict]:
    rows = []
    for case in Case.objects.filter(pupil=pupil).select_related("gemeente", "reported_by_organisation"):
        rows.append(
            {
                "soort": case.get_kind_display(),
                "gemeente": case.gemeente.name,
                "gemeld_door": f"{case.reported_by_name} ({case.reported_by_organisation.name})",
                "gemeld_op": case.reported_at,
                "reden": case.get_reason_display(),
                "toelichting": case.remark,
                "status": case.get_status_display(),
                "uitkomst": case.get_outcome_display(),
                "contactmomenten": "; ".join(
                    f"{c.date:%d-%m-%Y} {c.get_kind_display()}: {c.note}" for c in case.contacts.all()
                ),
            }
        )
    return rows


register_section(Section("gemeente_opmerkingen", "Gemeente-opmerkingen", _remarks, position=40))
register_section(
    Section(
        "gemeente_meldingen", "Meldingen aan de gemeente (De Overstap, risico, niet verschenen)", _cases, position=41
    )
)
register(
    Category.of_records(
        key="gemeente_opmerkingen",
        label=str(_("gemeente-opmerkingen")),
        default_days=730,
        counts_from=str(_("het schrijven van de opmerking")),
        records=lambda cutoff: Remark.objects.filter(created_at__lt=cutoff),
    )
)
register(
    Category.of_records(
        key="gemeente_meldingen",
        label=str(_("afgesloten meldingen aan de gemeente, met hun contactmomenten")),
        default_days=730,
        counts_from=str(_("het afsluiten van de melding")),
        records=lambda cutoff: Case.objects.filter(Q(status=CaseStatus.AFGESLOTEN) & Q(status_at__lt=cutoff)),
    )
)
