"""The demo region's verzuim: locaties and melders of both vo-schools, and meldingen in every status.

Idempotent: made only when the school has no locaties yet."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from students.models import Pupil
from students.schoolyear import current_school_year
from students.selectors import gemeente_of

from .models import Locatie, Melder, Reden, Soort, Status, StatusChange, VerzuimMelding
from .services import next_number

SCHOOLS = {
    "00AA": (["Hoofdgebouw Laan van Meerdervoort", "Dependance Moerwijk"], [("Karin Mulder", "verzuimcoördinator")]),
    "00BB": (["Locatie Delft Centrum"], [("Hans de Wit", "teamleider"), ("Ayse Kaya", "verzuimcoördinator")]),
}
# (school, decaan, soort, reden, days ago it began, length, the status path, the handling gemeente user)
MELDINGEN = [
    ("00AA", "decaan.vo1", Soort.ONGEOORLOOFD_16U, Reden.SPIJBELEN, 30, 27, [], None),
    ("00AA", "zorg.vo1", Soort.LANGDURIG, Reden.SCHOOLMOEHEID, 60, None, [Status.IN_BEHANDELING], "gemeente.denhaag"),
    (
        "00AA",
        "decaan.vo1",
        Soort.LUXE,
        Reden.VAKANTIE,
        50,
        9,
        [Status.IN_BEHANDELING, Status.AFGESLOTEN],
        "gemeente.denhaag",
    ),
    ("00AA", "decaan.vo1", Soort.SIGNAAL, Reden.ZIEKTE, 20, None, [Status.TER_KENNISGEVING], "gemeente.denhaag"),
    ("00AA", "zorg.vo1", Soort.ONGEOORLOOFD_16U, Reden.THUIS, 15, 12, [Status.INGETROKKEN], None),
    ("00BB", "decaan.vo2", Soort.ONGEOORLOOFD_16U, Reden.ONBEKEND, 25, 20, [], None),
    ("00BB", "decaan.vo2", Soort.RMC, Reden.WERK, 40, None, [Status.IN_BEHANDELING], "gemeente.delft"),
]
NOTES = {
    Status.IN_BEHANDELING: "Leerplichtambtenaar neemt contact op met de ouders.",
    Status.AFGESLOTEN: "Gesprek gevoerd, proces-verbaal opgemaakt.",
    Status.TER_KENNISGEVING: "Verzuim is ziekte gebleken; geen actie.",
    Status.INGETROKKEN: "Verzuim bleek geoorloofd (bezoek specialist).",
}


def _name(user: User) -> str:
    return user.full_name or user.username


@transaction.atomic
def seed_verzuim() -> int:
    created = 0
    for code, (locaties, melders) in SCHOOLS.items():
        school = Organisation.objects.get(code=code)
        if Locatie.objects.filter(school=school).exists():
            continue
        Locatie.objects.bulk_create([Locatie(school=school, name=name) for name in locaties])
        Melder.objects.bulk_create([Melder(school=school, name=n, functie=f) for n, f in melders])
        created += len(locaties) + len(melders)
        created += _meldingen(school)
    return created


def _meldingen(school: Organisation) -> int:
    users = {u.username: u for u in User.objects.filter(organisation=school)}
    pupils = [p for p in Pupil.objects.filter(school=school, school_year=current_school_year()).order_by("pk")[5:60:7]]
    locatie = Locatie.objects.filter(school=school).order_by("pk")[0]
    count = 0
    for (_code, by, soort, reden, ago, length, path, handler), pupil in zip(
        [m for m in MELDINGEN if m[0] == school.code], pupils, strict=False
    ):
        gemeente = gemeente_of(pupil)
        if gemeente is None:
            continue
        reporter = users[by]
        at = timezone.now() - datetime.timedelta(days=ago - 3)
        begin = timezone.localdate() - datetime.timedelta(days=ago)
        melding = VerzuimMelding.objects.create(
            meldingsnummer=next_number(),
            pupil=pupil,
            school=school,
            gemeente=gemeente,
            leerlingnummer=f"L{4000 + pupil.pk}",
            soort=soort,
            reden=reden,
            begin=begin,
            eind=begin + datetime.timedelta(days=length) if length else None,
            alle_lessen_gemist=soort != Soort.SIGNAAL,
            toelichting="Ouders reageren niet op telefoon en e-mail." if reden != Reden.VAKANTIE else "",
            actie_gewenst=soort in (Soort.ONGEOORLOOFD_16U, Soort.LANGDURIG),
            toelichting_actie="Graag een gesprek met leerling en ouders."
            if soort in (Soort.ONGEOORLOOFD_16U, Soort.LANGDURIG)
            else "",
            locatie=locatie,
            melder_naam=_name(reporter),
            melder_functie=reporter.get_role_display(),
            created_by=reporter,
            created_by_name=_name(reporter),
            created_at=at,
            status_at=at,
        )
        StatusChange.objects.create(
            melding=melding,
            status=Status.GEREGISTREERD,
            at=at,
            by=reporter,
            by_name=_name(reporter),
            organisation=school,
        )
        for step, status in enumerate(path, start=1):
            who = User.objects.get(username=handler) if handler and status != Status.INGETROKKEN else reporter
            when = at + datetime.timedelta(days=2 * step)
            StatusChange.objects.create(
                melding=melding,
                status=status,
                at=when,
                by=who,
                by_name=_name(who),
                organisation=who.organisation,
                note=NOTES.get(status, ""),
            )
            melding.status, melding.status_at = status, when
            melding.closed_at = (
                when if status in (Status.AFGESLOTEN, Status.INGETROKKEN, Status.TER_KENNISGEVING) else None
            )
        melding.save(update_fields=["status", "status_at", "closed_at"])
        count += 1
    return count
