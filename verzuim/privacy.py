"""What verzuim keeps about a pupil, for the inzage (AVG), and how long: five years after the melding was closed."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register
from students.privacy import Section, register_section
from students.retention import register_hold

from .models import VerzuimMelding


def _meldingen(pupil) -> list[dict]:
    rows = []
    for m in VerzuimMelding.objects.filter(pupil=pupil).select_related("school", "gemeente", "locatie"):
        rows.append(
            {
                "meldingsnummer": m.meldingsnummer,
                "school": m.school.name,
                "gemeente": m.gemeente.name,
                "soort": m.get_soort_display(),
                "reden": m.get_reden_display(),
                "begin": m.begin,
                "eind": m.eind,
                "toelichting": m.toelichting,
                "toelichting_actie": m.toelichting_actie,
                "locatie": m.locatie.name,
                "melder": m.melder_naam,
                "status": m.get_status_display(),
                "statusverloop": "; ".join(
                    f"{c.at:%d-%m-%Y} {c.get_status_display()}{': ' + c.note if c.note else ''}"
                    for c in m.history.all()
                ),
                "bijlagen": ", ".join(b.name for b in m.bijlagen.all()),
            }
        )
    return rows


def _files(pupil) -> list[tuple[str, bytes]]:
    files = []
    for m in VerzuimMelding.objects.filter(pupil=pupil).prefetch_related("bijlagen"):
        for b in m.bijlagen.all():
            with b.file.open("rb") as handle:
                files.append((f"verzuim/{m.meldingsnummer}-{b.name}", handle.read()))
    return files


register_section(Section("verzuim", "Verzuimmeldingen", _meldingen, _files, position=42))


def _expired(cutoff):
    return VerzuimMelding.objects.filter(closed_at__lt=cutoff)


def _held_pupils():
    """The pupils whose verzuim must still be kept: a melding still open, or closed less than five years ago. Their
    record stays (out of everyone's view) until then, instead of going after the pupils' own two years."""
    cutoff = CATEGORY.cutoff()
    return VerzuimMelding.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff)).values("pupil_id")


CATEGORY = Category.of_records(
    key="verzuim",
    label=str(_("afgesloten verzuimmeldingen, met hun bijlagen")),
    default_days=5 * 365 + 1,
    counts_from=str(_("het afsluiten, intrekken of ter kennisgeving aannemen van de melding")),
    records=_expired,
)
register(CATEGORY)
register_hold(_held_pupils)
