"""Every screen that shows a pupil's data records that in the audit log.

Every URL pattern of the project (admin included) stands in one of two tables: SHOWN (the screen shows a
pupil's data: requested as a role that may see it, it must leave an entry naming that pupil) or NOT_SHOWN
(with the reason). A new screen stands in neither, and fails the first test until it is placed; a screen whose
recording is taken away fails the second.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.db.models import Max
from django.test import TestCase
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Organisation
from audit.models import Action, AuditEntry
from tests.conftest import login_as
from tests.factories import CaseFactory, GroupFactory, OpleidingFactory, PupilFactory, RemarkFactory, valid_bsn

pytestmark = pytest.mark.django_db

SHOWING = (Action.VIEW, Action.LIST, Action.EXPORT, Action.INZAGE)
API_TOKEN = "api-token"  # the "user" of a request with the feed's bearer token


@dataclass(frozen=True)
class Shown:
    """As ``role``, ``url(objects)`` shows the data of ``objects[pupil]``; POST ``data(objects)`` if given."""

    role: str
    url: Callable[[dict], str]
    pupil: str = "pupil"
    data: Callable[[dict], dict] | None = field(default=None)


def on(name: str, key: str = "pupil", query: str = "") -> Callable[[dict], str]:
    return lambda o: reverse(name, args=[o[key].pk]) + query


def plain(name: str, query: str = "") -> Callable[[dict], str]:
    return lambda o: reverse(name) + query


DECAAN, BEHEERDER, ROC, SERVICEDESK = "decaan.vo1", "beheerder.vo1", "roc.mbo1", "servicedesk"
GEMEENTE = "gemeente.denhaag"  # the pupils of these tests live in Den Haag (the factory's postcode)

SHOWN: dict[str, Shown] = {
    "mentordeel:invullen": Shown("mentor.vo1", on("mentordeel:invullen", "mentor_dossier"), pupil="mentor_pupil"),
    "notifications:meldingen": Shown(DECAAN, plain("notifications:meldingen")),
    "students:overzicht": Shown(DECAAN, plain("students:overzicht", "?groep=alle")),
    "students:oud": Shown(DECAAN, plain("students:oud", "?groep=alle"), pupil="former"),
    # Leerling toevoegen with the BSN of a pupil already in the list: the pop-up names that pupil.
    "students:toevoegen": Shown(
        DECAAN, plain("students:toevoegen"), data=lambda o: {"stap": "bsn", "bsn": o["pupil_bsn"]}
    ),
    "students:leerling": Shown(DECAAN, on("students:leerling")),
    "students:bewerken": Shown(DECAAN, on("students:bewerken")),
    "students:verwijderen": Shown(DECAAN, on("students:verwijderen")),
    "students:aanmelding_toevoegen": Shown(DECAAN, on("students:aanmelding_toevoegen")),
    "students:elders": Shown(DECAAN, on("students:elders")),
    "students:elders_verwijderen": Shown(DECAAN, on("students:elders_verwijderen", "elders")),
    "students:extra_aandacht": Shown(DECAAN, on("students:extra_aandacht")),
    "students:diploma_groep": Shown(DECAAN, lambda o: reverse("students:diploma_groep") + f"?groep={o['group'].pk}"),
    # Pupils' accounts: a group's pupils to invite, a pupil to invite, the decaan's short list for a registration.
    "leerlingaccounts:groep": Shown(DECAAN, lambda o: reverse("leerlingaccounts:groep") + f"?groep={o['group'].pk}"),
    "leerlingaccounts:uitnodigen": Shown(DECAAN, on("leerlingaccounts:uitnodigen")),
    "leerlingaccounts:verzoek": Shown(DECAAN, on("leerlingaccounts:verzoek", "registration")),
    # Doorstroomdossiers: the stand of each pupil's own dossier, as a list of the pupils.
    "dossiers:index": Shown(DECAAN, plain("dossiers:index")),
    "students:status": Shown(
        DECAAN, lambda o: reverse("students:status", args=[o["aanmelding"].pk, o["aanmelding"].status])
    ),
    "students:status_bijwerken": Shown(DECAAN, on("students:status_bijwerken", "aanmelding")),
    "students:aanmelding_verwijderen": Shown(DECAAN, on("students:aanmelding_verwijderen", "aanmelding")),
    "students:logboek": Shown(BEHEERDER, plain("students:logboek")),
    "students:logboek_leerling": Shown(BEHEERDER, on("students:logboek_leerling")),
    "students:export": Shown(DECAAN, plain("students:export", "?formaat=xlsx&groep=alle")),
    "students:print": Shown(DECAAN, plain("students:print", "?groep=alle")),
    "students:export_download": Shown(DECAAN, on("students:export_download", "job")),
    # The preview of an import names the pupils of the file that VOROC knows; the report does too.
    "students:import_controle": Shown(DECAAN, on("students:import_controle", "import")),
    "students:import_resultaat": Shown(DECAAN, on("students:import_resultaat", "import_done")),
    "students:aanmeldingen": Shown(ROC, plain("students:aanmeldingen"), pupil="sent"),
    "doorstroom:formulier": Shown(DECAAN, on("doorstroom:formulier")),
    "doorstroom:bekijken": Shown(DECAAN, on("doorstroom:bekijken")),
    "doorstroom:pdf": Shown(DECAAN, on("doorstroom:pdf")),
    "doorstroom:correctie": Shown(DECAAN, on("doorstroom:correctie", "sent"), pupil="sent"),
    "doorstroom:mailen": Shown(DECAAN, on("doorstroom:mailen")),
    "doorstroom:bijlage": Shown(DECAAN, on("doorstroom:bijlage", "attachment")),
    "doorstroom:verzonden_bijlage": Shown(ROC, on("doorstroom:verzonden_bijlage", "sent_attachment"), pupil="sent"),
    "doorstroom:ontvangen": Shown(ROC, on("doorstroom:ontvangen", "sent"), pupil="sent"),
    "doorstroom:ontvangen_pdf": Shown(ROC, on("doorstroom:ontvangen_pdf", "snapshot"), pupil="sent"),
    # The dossiers pupils sent with their akkoordverklaring (``sent`` sent one to roc.mbo1's school).
    "mbodossiers:lijst": Shown(ROC, plain("mbodossiers:lijst"), pupil="sent"),
    "mbodossiers:dossier": Shown(ROC, on("mbodossiers:dossier", "consent"), pupil="sent"),
    "mbodossiers:pdf": Shown(ROC, on("mbodossiers:pdf", "consent"), pupil="sent"),
    "groups:index": Shown(DECAAN, lambda o: reverse("groups:index") + f"?groep={o['group'].pk}"),
    "gemeente:leerlingen": Shown(GEMEENTE, plain("gemeente:leerlingen")),
    "gemeente:export": Shown(GEMEENTE, plain("gemeente:export", "?formaat=xlsx")),
    "monitor:lijst": Shown(GEMEENTE, plain("monitor:lijst", "?figuur=alle")),
    "monitor:export": Shown(DECAAN, plain("monitor:export", "?figuur=alle&formaat=xlsx")),
    "monitor:actielijst": Shown(GEMEENTE, plain("monitor:actielijst")),
    "gemeente:meldingen": Shown(GEMEENTE, plain("gemeente:meldingen")),
    "gemeente:meldingen_export": Shown(GEMEENTE, plain("gemeente:meldingen_export", "?status=alle")),
    "gemeente:melding": Shown(GEMEENTE, on("gemeente:melding", "case")),
    "gemeente:opmerking": Shown(GEMEENTE, on("gemeente:opmerking")),
    "gemeente:opmerking_wijzigen": Shown(GEMEENTE, on("gemeente:opmerking_wijzigen", "remark")),
    "gemeente:overstap": Shown(DECAAN, on("gemeente:overstap")),
    "gemeente:risico": Shown(DECAAN, on("gemeente:risico")),
    "gemeente:niet_verschenen": Shown(ROC, on("gemeente:niet_verschenen", "definitief"), pupil="former"),
    # A monthly report's file holds its pupils' data: the download names them.
    "monitor:rapportage_excel": Shown(GEMEENTE, on("monitor:rapportage_excel", "monthly_report"), pupil="sent"),
    "monitor:rapportage_pdf": Shown(GEMEENTE, on("monitor:rapportage_pdf", "monthly_report"), pupil="sent"),
    "verzuim:lijst": Shown(DECAAN, plain("verzuim:lijst")),
    "verzuim:export": Shown(DECAAN, plain("verzuim:export")),
    "verzuim:melding": Shown(GEMEENTE, on("verzuim:melding", "verzuim")),
    "verzuim:wijzigen": Shown(DECAAN, on("verzuim:wijzigen", "verzuim")),
    "verzuim:pdf": Shown(DECAAN, on("verzuim:pdf", "verzuim")),
    "verzuim:bijlage": Shown(GEMEENTE, on("verzuim:bijlage", "verzuim_bijlage")),
    "verzuim:nieuw": Shown(DECAAN, on("verzuim:nieuw")),
    # A feed report names aanmeldingen by the mbo-school's aanmelding_id: the pupils behind them.
    "feedback:batch": Shown(ROC, on("feedback:batch", "batch"), pupil="sent"),
    "feedback_api:batch": Shown(API_TOKEN, on("feedback_api:batch", "batch"), pupil="sent"),
    # Admin pages of one pupil that are not a model's standard pages.
    "admin:students_pupil_inzage": Shown(SERVICEDESK, on("admin:students_pupil_inzage")),
    "admin:students_pupil_remove": Shown(SERVICEDESK, on("admin:students_pupil_remove")),
    "admin:audit_auditentry_change": Shown(SERVICEDESK, on("admin:audit_auditentry_change", "entry")),
}

# Admin models whose records are (or name) a pupil's data: the object to open, and whose data it is.
ADMIN_MODELS: dict[str, tuple[str, str]] = {
    "students_pupil": ("pupil", "pupil"),
    "students_aanmelding": ("aanmelding", "pupil"),
    "doorstroom_formulier": ("form", "pupil"),
    "notifications_melding": ("melding", "pupil"),
    "notifications_outgoingmail": ("mail", "pupil"),  # to the pupil's own address
    "feedback_waitingrow": ("waiting_row", "sent"),
    "feedback_batchline": ("batch_line", "sent"),
}
NOT_DELETABLE = {"feedback_waitingrow", "feedback_batchline"}  # their delete page answers 403
for _model, (_key, _pupil) in ADMIN_MODELS.items():
    SHOWN[f"admin:{_model}_changelist"] = Shown(SERVICEDESK, plain(f"admin:{_model}_changelist"), pupil=_pupil)
    for _page in ("change", "history") + (() if _model in NOT_DELETABLE else ("delete",)):
        SHOWN[f"admin:{_model}_{_page}"] = Shown(SERVICEDESK, on(f"admin:{_model}_{_page}", _key), pupil=_pupil)

NOT_SHOWN: dict[str, str] = {
    "leerlingaccounts:index": "the school's code and what registrants typed; no pupil record",
    "leerlingaccounts:code": "a POST that makes the school's code",
    "leerlingaccounts:code_intrekken": "a POST that revokes the school's code",
    "leerlingaccounts:opnieuw": "a POST that sends an invitation again (recorded as a change)",
    "leerlingaccounts:opheffen": (
        "asks to confirm; it fetches the pupil through get_pupil_for_user, which records the view (only for a pupil "
        "with an account: tests/dossier/test_invitation.py)"
    ),
    "leerling:home": "the leerling's own name and school, to the leerling: no other pupil's data",
    "leerling:nieuw": "the three kinds of dossier, to the leerling",
    "leerling:dossier": "the leerling's own dossier, to the leerling (each save is recorded as a change)",
    "leerling:zoeken": "mbo-schools and opleidingen of the catalogue: no pupil's data",
    "leerling:opsturen": "the mentors of the leerling's own school, to the leerling (sending is recorded)",
    "leerling:nieuwe_link": "a new link to the leerling's own mentor (recorded as a change)",
    "leerling:terughalen": "a POST and a redirect (recorded as a change)",
    "leerling:verwijderen": "the leerling's own dossier's kind and date, to the leerling (removing is recorded)",
    "mentordeel:link": "a link that works once: opening it is recorded, the page itself shows nothing",
    "mentordeel:gast": "mentordeel:invullen through a mentor's link (tests/dossier/test_mentor.py checks its record)",
    "leerling:akkoord": "the leerling's own dossier, to the leerling (the akkoord is recorded as sent)",
    "leerling:akkoord_verstuurd": "the school the leerling's own dossier went to, to the leerling",
    "leerling:wat_verstuurd": "the leerling's own consents and what they sent, to the leerling",
    "leerling:akkoord_pdf": "the leerling's own sent dossier, to the leerling",
    "leerling:intrekken": "the leerling's own consent (a withdrawal is recorded as a change)",
    "leerling:registreren": "a public form",
    "leerling:zelf_registreren": "a public form",
    "leerling:verstuurd": "a page that says to look in the mail",
    "leerling:klaar": "the new login name, to the one who registered",
    "leerling:bevestigen": "the registrant's own address, through the link mailed to it",
    "leerling:uitnodiging": "the pupil's own login name, through the link mailed to the pupil",
    "root": "a redirect",
    "favicon": "an icon",
    "set_language": "a POST and a redirect",
    "notifications:open": "a redirect to the pupil's page, which records",
    "notifications:read_all": "a POST and a redirect",
    "students:terug_naar_dit_jaar": "a POST and a redirect (the change is recorded)",
    "students:diploma": "a POST and a redirect (the change is recorded)",
    "students:export_job": "the progress page: a title and a percentage",
    "students:importeren": "the upload form",
    "students:import_kolommen": "the file's headings and example cells (BSN masked), not a pupil in VOROC",
    "gemeente:melding_status": "a POST and a redirect (the change is recorded)",
    "verzuim:intrekken": "a POST and a redirect (the change is recorded)",
    "verzuim:status": "a POST and a redirect (the change is recorded)",
    "verzuim:locaties": "the school's locaties",
    "verzuim:melders": "the school's melders (staff)",
    "verzuim:locatie": "a POST and a redirect",
    "verzuim:melder": "a POST and a redirect",
    "accounts:user_verzuimmelder": "a POST and a redirect",
    "accounts:user_edit": "a user's account, no pupil (a change is recorded)",
    "accounts:user_reinvite": "a POST and a redirect (recorded)",
    "gemeente:melding_contact": "a POST and a redirect (the change is recorded)",
    "monitor:index": "numbers only: counts and charts, no pupil is named",
    "monitor:rapportages": "the monthly reports' dates and counts, no pupil (the visit is recorded, naming none)",
    "doorstroom:accorderen": "a POST and a redirect (the change is recorded)",
    "doorstroom:intrekken": "a POST and a redirect (the change is recorded)",
    "doorstroom:bundel": "a redirect to the progress page; the download records",
    "groups:create": "group names",
    "groups:rename": "a group name",
    "groups:delete": "a group name and its size",
    "groups:members": "a POST and a redirect (the change is recorded)",
    "groups:mentors": "groups and mentors, no pupils",
    "feedback:batches": "counts per batch, no aanmelding_id",
    "feedback_api:batches": "counts per batch (GET) or receiving one (POST)",
    "feedback_api:openapi": "the API's description",
    "admin:audit_auditentry_changelist": "the log read by the servicedesk: ids and summaries, no names or values",
    "admin:audit_auditentry_history": "an entry's history: it has none (append-only)",
    "admin:audit_auditentry_add": "403: nobody adds entries",
    "admin:audit_auditentry_delete": "403: nobody deletes entries",
    "admin:feedback_waitingrow_delete": "403: rows are not deleted by hand",
    "admin:feedback_batchline_delete": "403: lines are not deleted by hand",
    "admin:feedback_batch_pickup": "a POST that starts the inbox task",
}
# accounts: the user's own account and the school's users; no pupils.
NOT_SHOWN.update({name: "accounts and users, no pupils" for name in ["accounts:" + n for n in (
    "login", "logout", "password_reset", "password_reset_sent", "password_reset_confirm", "profile",
    "change_password", "profile_check", "otp_verify", "otp_setup", "users", "user_create", "user_delete",
)]})  # fmt: skip
# The admin's own pages, and every page of the models that hold no pupil data.
NOT_SHOWN.update(
    {
        f"admin:{name}": "the admin's own pages"
        for name in (
            "index",
            "login",
            "logout",
            "password_change",
            "password_change_done",
            "autocomplete",
            "jsi18n",
            "view_on_site",
            "app_list",
        )
    }
)
NO_PUPIL_MODELS = {
    "accounts_organisation",
    "accounts_gemeentepostcode",
    "accounts_user",
    "students_location",
    "students_opleiding",
    "students_schoolyearstart",
    "groups_group",
    "doorstroom_declaration",
    "notifications_deadline",
    "feedback_feedtoken",
    "feedback_batch",  # counts, file name, sender: the lines are feedback_batchline
    "axes_accessattempt",  # login attempts of staff
    "axes_accessfailurelog",
    "axes_accesslog",
    "otp_totp_totpdevice",  # staff's authenticators
    "monitor_regionnorm",  # the monitor's norm per region
}
for _model in NO_PUPIL_MODELS:
    NOT_SHOWN.update(
        {
            f"admin:{_model}_{page}": "a model without pupil data"
            for page in ("changelist", "add", "change", "history", "delete")
        }
    )
for _model in ADMIN_MODELS:
    NOT_SHOWN[f"admin:{_model}_add"] = "an empty form (or 403)"
NOT_SHOWN["admin:auth_user_password_change"] = "a staff user's password"
NOT_SHOWN["admin:otp_totp_totpdevice_config"] = "a staff user's authenticator"
NOT_SHOWN["admin:otp_totp_totpdevice_qrcode"] = "a staff user's authenticator"


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif pattern.name:
                names.add(namespace + pattern.name)
            else:
                names.add({"voroc.views.favicon": "favicon"}.get(pattern.lookup_str, "root"))

    walk(get_resolver().url_patterns)
    return names


def test_every_url_is_placed_as_showing_pupil_data_or_not():
    names = all_url_names()
    assert not set(SHOWN) & set(NOT_SHOWN)
    assert sorted(names - set(SHOWN) - set(NOT_SHOWN)) == [], "a new screen: add it to SHOWN or NOT_SHOWN"
    assert sorted((set(SHOWN) | set(NOT_SHOWN)) - names) == [], "a screen that is gone"
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS) | NO_PUPIL_MODELS | {"audit_auditentry"}


@pytest.fixture
def objects(demo, eager):
    """One pupil of VO1 with everything a screen shows (a form being filled in, aanmeldingen, Elders, a melding,
    an export, a mail, an audit entry); one whose form was sent to roc.mbo1's school and named in its feed; one
    of last school year."""
    from audit.services import record_change
    from doorstroom.models import Snapshot, SnapshotAttachment
    from doorstroom.services import approve
    from feedback.models import Batch, BatchLine, BatchState, WaitingRow
    from feedback.tokens import create_token
    from notifications.models import MeldingKind, OutgoingMail
    from notifications.services import notify
    from students import exports
    from students.aanmeldingen import add_aanmelding, record_elders
    from students.models import ExportJob
    from students.schoolyear import current_school_year
    from tests.doorstroom.helpers import complete_form, make_form

    decaan, roc_school = demo["decaan.vo1"], demo["roc.mbo1"].organisation
    school = decaan.organisation
    group = GroupFactory(school=school, name="4Z")
    bsn = valid_bsn(7001)
    pupil = PupilFactory(school=school, group=group, bsn=bsn)
    sent = PupilFactory(school=school, group=group)
    former = PupilFactory(school=school, school_year=current_school_year() - 1)
    form = make_form(pupil, answers={"beroepswens": "Kok"})
    aanmelding = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory())  # by hand, at a school without a feed
    add_aanmelding(pupil=sent, opleiding=OpleidingFactory(school=roc_school), source="feed", external_id="A-1")
    with TestCase.captureOnCommitCallbacks(execute=True):
        approve(form=complete_form(sent), by=decaan)
    snapshot = Snapshot.objects.get(form__pupil=sent)
    job = ExportJob.objects.create(user=decaan, params={"formaat": "xlsx", "groep": "alle"})
    exports.run_job(job.pk)
    batch = Batch.objects.create(mbo_school=roc_school, transport="api", state=BatchState.DONE)
    now = timezone.now()
    _token, secret = create_token(school=roc_school, name="test", by=None)
    return {
        **_imports(decaan, pupil, bsn),
        "pupil": pupil,
        "pupil_bsn": bsn,
        "sent": sent,
        "former": former,
        "group": group,
        "form": form,
        "attachment": form.attachments.get(),
        "aanmelding": aanmelding,
        "elders": record_elders(pupil=pupil, kind="werk", date=datetime.date(2026, 10, 1)),
        "melding": notify(organisation=school, kind=MeldingKind.STATUS, text="Nieuwe status", pupil=pupil),
        "mail": OutgoingMail.objects.create(subject="Doorstroomformulier", to=pupil.email.upper()),
        "entry": record_change(pupil, changes={"woonplaats": ("Delft", "Den Haag")}),
        "job": job,
        "snapshot": snapshot,
        "sent_attachment": SnapshotAttachment.objects.filter(snapshot=snapshot).first(),
        "batch": batch,
        "batch_line": BatchLine.objects.create(batch=batch, line=2, aanmelding_id="A-1", kind="rejected", reason="x"),
        "waiting_row": WaitingRow.objects.create(
            mbo_school=roc_school,
            batch=batch,
            line=3,
            aanmelding_id="A-1",
            bsn_index="-",
            bsn_encrypted="-",
            crebo="25000",
            status=2,
            status_at=now,
            pupil=sent,
            matched_at=now,
        ),
        "token": secret,
        "registration": _registration(pupil),
        "mentor_pupil": (mentor_pupil := PupilFactory(school=school, group=group)),
        "mentor_dossier": _mentor_dossier(mentor_pupil, demo["mentor.vo1"]),
        "case": CaseFactory(pupil=pupil, gemeente=Organisation.objects.get(code="GM0518")),
        "remark": RemarkFactory(
            pupil=pupil, gemeente=Organisation.objects.get(code="GM0518"), author=demo["gemeente.denhaag"]
        ),
        **_verzuim(pupil, decaan),
        "monthly_report": _monthly_report(),
        "definitief": add_aanmelding(
            pupil=former, opleiding=OpleidingFactory(school=roc_school), status=7, source="feed", external_id="A-2"
        ),
        "consent": _consent(sent, roc_school),
    }


def _consent(pupil, roc_school):
    """The pupil's own dossier, sent with the akkoordverklaring to roc.mbo1's school."""
    from dossier.akkoord import give_akkoord, needs_parent, statements_for
    from tests.dossier.akkoord_helpers import at_akkoord
    from tests.dossier.helpers import pupil_account

    dossier = at_akkoord(pupil_account(pupil), OpleidingFactory(school=roc_school))
    return give_akkoord(dossier=dossier, statements=statements_for(dossier, parent=needs_parent(dossier)))


def _registration(pupil):
    """A registration with the school's code that waits for the decaan: the pupil's name, another date of birth."""
    from dossier.models import Registration

    return Registration.objects.create(
        kind="schoolcode",
        school=pupil.school,
        voornaam=pupil.voornaam,
        achternaam=pupil.achternaam,
        geboortedatum=datetime.date(2011, 1, 1),
        email="registratie@example.com",
        status="school",
        reason="geen",
    )


def _mentor_dossier(pupil, mentor):
    """The pupil's own dossier, sent to mentor.vo1 (its pages are tested in tests/dossier/test_mentor.py)."""
    from dossier.filling import start_dossier
    from dossier.models import Dossier, DossierState
    from tests.dossier.helpers import pupil_account

    dossier = start_dossier(account=pupil_account(pupil), kind="vo-mbo")
    Dossier.objects.filter(pk=dossier.pk).update(
        state=DossierState.BIJ_MENTOR, mentor=mentor, mentor_name=mentor.full_name, sent_to_mentor_at=timezone.now()
    )
    return dossier


def _monthly_report():
    """Den Haag's report of this month: ``sent`` lives there and has no schoolbestemming yet, so it is on it."""
    from monitor.reports import make_report, peildatum_of

    return make_report(gemeente=Organisation.objects.get(code="GM0518"), peildatum=peildatum_of(timezone.localdate()))


def _verzuim(pupil, decaan) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from doorstroom.pdfgen import simple_pdf
    from verzuim.models import Locatie
    from verzuim.services import report

    locatie = Locatie.objects.create(school=decaan.organisation, name="Hoofdgebouw")
    upload = SimpleUploadedFile("overzicht.pdf", simple_pdf(["Verzuimoverzicht"]), "application/pdf")
    data = {"soort": "signaal", "reden": "onbekend", "begin": datetime.date(2026, 10, 1), "locatie": locatie}
    melding = report(pupil=pupil, by=decaan, data={**data, "melder_naam": "Decaan"}, attachments=[upload])
    return {"verzuim": melding, "verzuim_bijlage": melding.bijlagen.get()}


def _imports(decaan, pupil, bsn: str) -> dict:
    """Two imports of a file with the pupil's BSN (VOROC knows the pupil): one in its preview, one imported."""
    from students.imports import services
    from tests.students.imports.files import csv_bytes, person

    # The pupil as VOROC has it (the import changes nothing the other screens show).
    same = {"Straat": pupil.straat, "Huisnr.": str(pupil.huisnummer), "Toev.": pupil.toevoeging,
            "Postcode": pupil.postcode, "Woonplaats": pupil.woonplaats, "E-mail": pupil.email, "Mobiel": pupil.telefoon}  # fmt: skip
    row = person(0, bsn, klas=pupil.group.name, **same)
    made = []
    for _n in range(2):
        imp = services.start_import(user=decaan, filename="a.csv", data=csv_bytes([row]))
        services.confirm_mapping(imp=imp, mapping=imp.mapping, filter_column=None, filter_value="")
        made.append(imp)
    services.run_import(made[1])
    return {"import": made[0], "import_done": made[1]}


def _names(entry: AuditEntry, pupil_id: int) -> bool:
    return entry.pupil_id == pupil_id or f" {pupil_id} " in entry.subjects


def test_every_screen_that_shows_pupil_data_records_who_saw_which_pupil(client, demo, objects):
    wrong = []
    role = None
    for name, shown in sorted(SHOWN.items(), key=lambda item: item[1].role):
        if shown.role != role and shown.role != API_TOKEN:
            login_as(client, demo[shown.role])
            role = shown.role
        url = shown.url(objects)
        before = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
        headers = {"Authorization": f"Bearer {objects['token']}"} if shown.role == API_TOKEN else {}
        if shown.data:
            response = client.post(url, shown.data(objects), headers=headers)
        else:
            response = client.get(url, headers=headers)
        if response.status_code != 200:
            wrong.append(f"{name} {url}: status {response.status_code}")
            continue
        pupil = objects[shown.pupil]
        new = list(AuditEntry.objects.filter(pk__gt=before, action__in=SHOWING))
        if shown.role == API_TOKEN:
            by_actor = [e for e in new if e.actor_name.startswith("API-token test")]
        else:
            by_actor = [e for e in new if e.actor_id == demo[shown.role].pk]
        if not any(_names(e, pupil.pk) for e in by_actor):
            wrong.append(f"{name} {url}: no entry naming pupil {pupil.pk} ({[(e.action, e.screen) for e in new]})")
    assert wrong == [], "\n".join(wrong)
