"""Demo doorstroomformulieren (seed_demo): for part of the demo pupils, in every state — deels ingevuld,
compleet, geaccordeerd, verzonden to the mbo-schools where they applied, a correction in progress, a second
sent version, and vergrendeld (sent, with a definitieve keuze). Generated from a fixed seed."""

from __future__ import annotations

import datetime
import hashlib
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from students.models import Aanmelding, Pupil, Status
from students.schoolyear import current_school_year

from .attachments import stored_file
from .declaration import (
    ATTACHMENT,
    CHOICE,
    DATE,
    MULTICHOICE,
    NUMBER,
    RECORD,
    ROWS,
    SCORE,
    TEXT,
    TEXTAREA,
    YESNO,
    Declaration,
    Field,
)
from .engine import evaluate
from .models import Attachment, FormRevision, Formulier
from .pdfgen import simple_pdf
from .selectors import current_declaration
from .sending import deliver
from .services import refresh_state, start_correction, user_name

State = Formulier.State

TEXTS: dict[str, list[str]] = {
    "beroepswens": [
        "Verpleegkundige in een ziekenhuis, later misschien op de ambulance.",
        "Kok in een restaurant; droomt van een eigen zaak.",
        "Monteur bij een installatiebedrijf, het liefst met zonnepanelen.",
        "Pedagogisch medewerker in de kinderopvang.",
        "Software developer; bouwt thuis al kleine games.",
        "Autotechnicus bij een dealer.",
    ],
    "motivatie": [
        "Heeft tijdens de snuffelstage gemerkt dat dit werk goed past: werkt graag met mensen en handen.",
        "Is praktisch ingesteld en leert het best door te doen; de opleiding sluit aan bij het profiel.",
        "Heeft de open dag en het proefstuderen bezocht en was enthousiast over de praktijklessen.",
    ],
    "advies_mentor": [
        "Een gemotiveerde leerling die met duidelijke afspraken goed functioneert. Advies: BOL, met aandacht voor plannen.",
        "Werkt zelfstandig en zorgvuldig. De gekozen opleiding past; niveau 3 is haalbaar.",
        "Heeft structuur nodig en een vaste begeleider. Met die steun is de opleiding haalbaar.",
    ],
    "sterke_punten": ["Behulpzaam, betrouwbaar en altijd op tijd.", "Creatief en handig; neemt initiatief."],
    "mentor_naam": ["Sanne de Vries", "Kevin Pinas", "Joyce Bakker"],
    "mentor_contact": ["mentor@vo.demo.voroc.nl", "070-3456789 (school)"],
    "examenvakken_overig": ["Keuzevak Ondernemen", "Keuzevak Voeding en beweging"],
    "gedoubleerd_toelichting": ["leerjaar 2", "leerjaar 3"],
    "isk_moedertaal": ["Arabisch", "Pools", "Tigrinya", "Oekraïens"],
    "vavo_instelling": ["VAVO Lyceum Den Haag"],
}
# Text for the other (long) answers, by step.
NOTES = [
    "Besproken met de leerling en de ouders; zie ook het LOB-paspoort.",
    "Gaat goed met vaste afspraken en een vast aanspreekpunt.",
    "Geen bijzonderheden sinds het vorige schooljaar.",
]
COMPANIES = [
    ("Albert Heijn", "Den Haag", "Vakkenvullen en kassa"),
    ("Kinderopvang De Ballon", "Delft", "Meehelpen op de peutergroep"),
    ("Garage Van Leeuwen", "Rijswijk", "Banden wisselen en onderhoud"),
    ("Zorgcentrum Het Anker", "Den Haag", "Helpen bij de maaltijden en activiteiten"),
    ("Restaurant De Smaak", "Zoetermeer", "Meewerken in de keuken"),
]


def _value(fld: Field, rng: random.Random) -> Any:
    if fld.type in (CHOICE, SCORE):
        return _choice(fld, rng)
    if fld.type == YESNO:
        if fld.key in ("besproken_leerling", "besproken_ouders"):
            return "ja"
        return rng.choices(["ja", "nee"], weights=[25, 75])[0]
    if fld.type == MULTICHOICE:
        values = [v for v, _label in fld.choices if v != "geen"]
        return sorted(rng.sample(values, k=min(len(values), rng.randint(1, 4))), key=values.index)
    if fld.type == DATE:
        return (timezone.localdate() - datetime.timedelta(days=rng.randint(3, 40))).isoformat()
    if fld.type == NUMBER:
        return rng.randint(fld.min or 0, fld.max or 10)
    if fld.type == ROWS:
        return _rows(fld, rng)
    if fld.type in (TEXT, TEXTAREA):
        return _text(fld, rng)
    return None


def _choice(fld: Field, rng: random.Random) -> str:
    values = [v for v, _label in fld.choices]
    if fld.key == "doelgroep":
        return rng.choices(["geen", "povo", "isk", "pro", "vso"], weights=[70, 12, 8, 6, 4])[0]
    if fld.key == "schoolsoort":
        return rng.choices(["vmbo", "pro", "havo"], weights=[88, 6, 6])[0]
    if fld.key == "akkoord_leerling":
        return "ja"
    if fld.type == SCORE:
        return rng.choices(values, weights=[8, 30, 40, 17, 5])[0]
    return rng.choice(values)


def _rows(fld: Field, rng: random.Random) -> list[dict[str, str]]:
    if fld.key == "testen":
        return [{"soort": "Faalangsttest", "uitkomst": "Lichte faalangst bij toetsen; training gevolgd."}]
    company, place, work = rng.choice(COMPANIES)
    first = {c.key: v for c, v in zip(fld.columns, (company, place, work, "voorjaar 2026"), strict=False)}
    return [first] if rng.random() < 0.7 else []


def _text(fld: Field, rng: random.Random) -> str | None:
    if fld.key in TEXTS:
        return rng.choice(TEXTS[fld.key])
    if fld.type == TEXTAREA:
        return rng.choice(NOTES)
    return "Zie toelichting" if fld.required else None


def answers_for(spec: Declaration, rng: random.Random, *, fraction: float = 1.0) -> dict[str, Any]:
    """Answers for every field that is shown (optional ones now and then); ``fraction`` < 1: partly filled."""
    answers: dict[str, Any] = {}
    for fld in spec.all_fields():
        if fld.type in (RECORD, ATTACHMENT):
            continue
        if fld.required or rng.random() < 0.5:
            value = _value(fld, rng)
            if value not in (None, "", []):
                answers[fld.key] = value
    shown = evaluate(spec, answers).shown_fields
    answers = {k: v for k, v in answers.items() if k in shown}
    if fraction < 1:
        keys = [k for k in answers if k != "schoolsoort"]
        drop = rng.sample(keys, k=int(len(keys) * (1 - fraction)))
        answers = {k: v for k, v in answers.items() if k not in drop}
    return answers


def lob_paspoort(pupil: Pupil) -> bytes:
    return simple_pdf(
        [
            f"Naam: {pupil.full_name}",
            f"School: {pupil.school.name}",
            "Mijn sterke punten: samenwerken, doorzetten",
            "Wat ik heb gedaan: open dagen, proefstuderen, snuffelstage",
            "Mijn keuze: zie mijn aanmeldingen",
        ],
        title="LOB-paspoort",
    )


def _attach_lob(form: Formulier, pupil: Pupil, by: User | None) -> None:
    content = lob_paspoort(pupil)
    blob = stored_file(
        sha=hashlib.sha256(content).hexdigest(), size=len(content), pages=1, content=ContentFile(content)
    )
    Attachment.objects.create(
        form=form,
        field="lob_paspoort",
        name="LOB-paspoort.pdf",
        blob=blob,
        uploaded_by=by,
        uploaded_by_name=user_name(by),
    )


# (state, how many) per school; the pupils are taken in order, so every group gets some of each.
PLAN = [
    ("deels", 12),
    ("compleet", 5),
    ("geaccordeerd", 3),
    ("verzonden", 7),
    ("correctie", 2),  # sent, then a correction (version 2) being made
    ("tweede", 1),  # version 2 sent as well: the mbo holds both
    ("vergrendeld", 1),  # sent, and the pupil made a definitieve keuze
]


def _make(pupil: Pupil, spec: Declaration, declaration, rng: random.Random, kind: str, by: User | None) -> int:
    form = Formulier.objects.create(
        pupil=pupil,
        declaration=declaration,
        answers=answers_for(spec, rng, fraction=rng.uniform(0.2, 0.7) if kind == "deels" else 1.0),
        created_by=by,
        updated_by_name=user_name(by),
    )
    if kind != "deels" or rng.random() < 0.5:
        _attach_lob(form, pupil, by)
    refresh_state(form, changed=False, by=by)
    form.save()
    # The first save filled every answer (also the consent, which the sent snapshot names with who and when).
    FormRevision.objects.create(
        form=form, action=FormRevision.Action.SAVED, fields=sorted(form.answers), user=by, user_name=user_name(by)
    )
    if kind in ("deels", "compleet"):
        return 1
    form.state, form.approved_by, form.approved_by_name = State.GEACCORDEERD, by, user_name(by)
    form.approved_at = timezone.now() - datetime.timedelta(days=rng.randint(2, 20))
    form.save()
    FormRevision.objects.create(form=form, action=FormRevision.Action.APPROVED, user=by, user_name=user_name(by))
    if kind == "geaccordeerd":
        return 1
    deliver(form_id=form.pk)
    if kind in ("correctie", "tweede"):
        correction = start_correction(form=Formulier.objects.get(pk=form.pk), by=by)
        answers = dict(correction.answers)
        answers["advies_mentor"] = "Na het intakegesprek bijgesteld: de leerling kiest voor BBL; advies niveau 2."
        correction.answers = answers
        refresh_state(correction, changed=True, by=by)
        correction.save()
        if kind == "tweede":
            correction.state, correction.approved_by_name, correction.approved_at = (
                State.GEACCORDEERD,
                user_name(by),
                timezone.now(),
            )
            correction.save()
            deliver(form_id=correction.pk)
        return 2
    if kind == "vergrendeld":
        aanmelding = Aanmelding.objects.filter(pupil=pupil).order_by("pk").first()
        if aanmelding is not None:
            Aanmelding.objects.filter(pk=aanmelding.pk).update(status=Status.DEFINITIEF)
    return 1


class _Picker:
    """Takes demo pupils in a fixed order: from the front for those who applied somewhere, else from the back."""

    def __init__(self, pupils: list[Pupil]):
        self.pupils = pupils
        ids = [p.pk for p in pupils]
        self.applied = set(Aanmelding.objects.filter(pupil_id__in=ids).values_list("pupil_id", flat=True))
        self.final = set(
            Aanmelding.objects.filter(pupil_id__in=ids, status=Status.DEFINITIEF).values_list("pupil_id", flat=True)
        )
        self.used: set[int] = set()

    def take(self, *, applied: bool | None, definitief: bool = False) -> Pupil | None:
        for pupil in self.pupils if applied else self.pupils[::-1]:
            if pupil.pk in self.used or (pupil.pk in self.final) != definitief:
                continue
            if applied is None or (pupil.pk in self.applied) == applied:
                self.used.add(pupil.pk)
                return pupil
        return None


def _seed_school(school: Organisation, year: int, rng: random.Random) -> int:
    try:
        declaration = current_declaration(region=school.region, school_year=year)
    except ValidationError:
        return 0  # no declaration for this region: no demo forms there
    spec = declaration.parsed()
    by = User.objects.filter(organisation=school, role="decaan").first()
    picker = _Picker(list(Pupil.objects.filter(school=school, school_year=year).order_by("pk")))
    created = 0
    for kind, count in PLAN:
        for n in range(count):
            if kind == "deels" or (kind == "compleet" and n % 2):
                pupil = picker.take(applied=None)
            elif kind == "compleet":
                pupil = picker.take(applied=True)  # ready for the decaan: approving sends it at once
            elif kind == "geaccordeerd":
                # Approved and not sent: only a pupil who has not applied anywhere yet (with an aanmelding,
                # approving sends it at once); it goes as soon as the pupil applies.
                pupil = picker.take(applied=False)
            elif kind == "vergrendeld":
                pupil = picker.take(applied=True, definitief=True) or picker.take(applied=True)
            else:
                pupil = picker.take(applied=True)  # sending needs an aanmelding to go to
            if pupil is not None:
                created += _make(pupil, spec, declaration, rng, kind, by)
    return created


@transaction.atomic
def seed_forms() -> int:
    """Idempotent: a region that has forms already is left as it is. Returns the number of new forms."""
    if Formulier.objects.exists():
        return 0
    rng = random.Random(2026)
    year = current_school_year()
    schools = Organisation.objects.filter(kind=OrganisationKind.VO_SCHOOL).order_by("code")
    return sum(_seed_school(school, year, rng) for school in schools)
