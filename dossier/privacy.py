"""What VOROC keeps about a pupil's own account, for the inzage (AVG): the login, how it was made, the invitation,
the registrations linked to the pupil, and the akkoordverklaringen (which dossier went to which mbo-school, when, with
whose consent, opened or withdrawn; each one's snapshot as the PDF of what was sent). When the pupil is removed the account goes with the pupil record
(dossier.receivers) and the registrations linked to them go here."""

from __future__ import annotations

from django.dispatch import receiver

from students.models import Pupil
from students.privacy import Section, register_section
from students.signals import pupil_removing

from .models import Consent, Dossier, PupilAccount, Registration


def _rows(pupil: Pupil) -> list[dict]:
    rows: list[dict] = []
    account = PupilAccount.objects.select_related("user", "invited_by").filter(pupil=pupil).first()
    if account is not None:
        rows.append(
            {
                "soort": "account",
                "loginnaam": account.user.username,
                "e-mailadres": account.user.email,
                "stand": account.state_label,
                "hoe aangemaakt": account.get_source_display(),
                "uitgenodigd door": str(account.invited_by or ""),
                "uitnodiging gestuurd op": account.invited_at,
                "uitnodiging gestuurd naar": account.invite_email,
                "actief sinds": account.activated_at,
                "laatst ingelogd": account.user.last_login,
            }
        )
    for registration in Registration.objects.filter(pupil=pupil).order_by("created_at"):
        rows.append(
            {
                "soort": "registratie",
                "voornaam": registration.voornaam,
                "achternaam": registration.achternaam,
                "geboortedatum": registration.geboortedatum,
                "e-mailadres": registration.email,
                "stand": registration.get_status_display(),
                "aangemeld op": registration.created_at,
                "beslist op": registration.decided_at,
            }
        )
    return rows


register_section(Section("leerlingaccount", "Account van de leerling", _rows, position=45))


def _consents(pupil: Pupil) -> list[Consent]:
    return list(
        Consent.objects.filter(dossier__account__pupil=pupil)
        .select_related("dossier", "mbo_school", "declaration")
        .order_by("given_at", "pk")
    )


def _consent_rows(pupil: Pupil) -> list[dict]:
    return [
        {
            "dossier": consent.dossier_id,
            "soort dossier": consent.dossier.get_kind_display(),
            "versie": consent.declaration.version,
            "mbo-school": consent.mbo_school.name,
            "vervolgkeuze": consent.choice_text,
            "akkoord gegeven door": consent.given_by_name,
            "ouder of verzorger": consent.parent_name,
            "relatie": consent.parent_relation,
            "verklaringen": " | ".join(consent.statements),
            "akkoord gegeven op": consent.given_at,
            "geopend door de mbo-school op": consent.opened_at,
            "ingetrokken op": consent.withdrawn_at,
            "reden van intrekken": consent.withdrawn_reason,
            "kenmerk (SHA-256)": consent.snapshot_checksum,
        }
        for consent in _consents(pupil)
    ]


def _consent_files(pupil: Pupil) -> list[tuple[str, bytes]]:
    from . import pdf

    return [
        (f"akkoordverklaringen/{consent.pk}-{pdf.filename(consent)}", pdf.render(consent, for_pupil=True))
        for consent in _consents(pupil)
    ]


register_section(
    Section(
        "akkoordverklaringen", "Akkoordverklaringen (doorstroomdossier)", _consent_rows, _consent_files, position=46
    )
)


@receiver(pupil_removing, sender=Pupil)
def remove_the_registrations(sender, pupil: Pupil, **kwargs) -> None:
    Registration.objects.filter(pupil=pupil).delete()


def _dossier_rows(pupil: Pupil) -> list[dict]:
    """Every dossier of the pupil: where it stands, and each answer of part A, the mentor's part and the verdicts."""
    from doorstroom.engine import display, evaluate
    from doorstroom.privacy import flat_text

    from .reading import part_a_pages

    rows: list[dict] = []
    for dossier in Dossier.objects.filter(account__pupil=pupil).select_related("declaration", "account__user"):
        common = {
            "dossier": dossier.pk,
            "soort": dossier.get_kind_display(),
            "stand": dossier.get_state_display(),
            "vervolgkeuze": dossier.choice_text,
            "mentor": dossier.mentor_name,
        }
        for page in part_a_pages(dossier):
            for shown in page.fields:
                if shown.filled and shown.field.type != "record":
                    rows.append({**common, "deel": "A", "bladzijde": page.step.title, "vraag": shown.field.label,
                                 "antwoord": flat_text(shown.text)})  # fmt: skip
            verdict = dossier.verdicts.get(page.step.key)
            if verdict:
                rows.append({**common, "deel": "B", "bladzijde": page.step.title, "vraag": "eens of oneens",
                             "antwoord": " – ".join(v for v in (verdict.get("oordeel"), verdict.get("opmerking")) if v)})  # fmt: skip
        if dossier.spec.part_b is not None:
            combined = {**dossier.answers, **dossier.mentor_answers}
            for step_progress in evaluate(dossier.spec.part_b, combined).shown_steps:
                for fld in step_progress.fields:
                    if fld.key in dossier.mentor_answers:
                        rows.append({**common, "deel": "B", "bladzijde": step_progress.step.title, "vraag": fld.label,
                                     "antwoord": flat_text(display(fld, dossier.mentor_answers[fld.key]))})  # fmt: skip
        if not dossier.answers and not dossier.mentor_answers:
            rows.append({**common, "deel": "", "bladzijde": "", "vraag": "", "antwoord": ""})
    return rows


register_section(Section("doorstroomdossier", "Doorstroomdossier van de leerling", _dossier_rows, position=46))
