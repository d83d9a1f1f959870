"""Every URL of the project × anonymous and every role, on an object of the own organisation and of another.

The URLs come from the resolver, so a new URL without a row in SPEC fails the test. The roles include a second
mbo-school (roc.mbo2) and a second gemeente (gemeente.delft): "own" objects are of VO1 and of pupils who applied to
roc.mbo1's school only; "other" objects are of VO2 and of pupils who applied to roc.mbo2's school.
An anonymous visitor who is sent on goes to the login page.

The admin (tests further down) has its own table: every URL of every registered model, and every other admin URL
by name, for anonymous (to the login), every role without the admin (403) and the servicedesk with its second
factor.
"""

import datetime

import pytest
from django.urls import URLResolver, get_resolver, reverse

from accounts.models import User
from groups.models import Group
from notifications.models import MeldingKind
from notifications.services import notify
from students.aanmeldingen import record_elders
from students.models import Aanmelding, ExportJob, Pupil
from tests.conftest import login_as
from tests.demo_snapshot import Snapshot, snapshot_of
from tests.factories import CaseFactory, PupilFactory, RemarkFactory

ROLES = [
    "anon",
    "beheerder.vo1",
    "decaan.vo1",
    "mentor.vo1",
    "zorg.vo1",
    "roc.mbo1",
    "roc.mbo2",
    "gemeente.denhaag",
    "gemeente.delft",
    "servicedesk",
    "leerling.vo1",
]
PUPIL = "leerling.vo1"
VO = ("beheerder.vo1", "decaan.vo1", "mentor.vo1", "zorg.vo1")
MBO = ("roc.mbo1", "roc.mbo2")
GEMEENTE = ("gemeente.denhaag", "gemeente.delft")
MANAGING = ("beheerder.vo1", "decaan.vo1")
EDITING = ("beheerder.vo1", "decaan.vo1", "mentor.vo1")


def expect(default: int, anon: int = 302, **cells: int) -> dict[str, int]:
    """A row: the status per role; ``anon`` is the anonymous visitor (302 = to the login page)."""
    row = {role: default for role in ROLES}
    row["anon"] = anon
    row[PUPIL] = 404  # a leerling sees only their own pages: everything else does not exist for them
    for role, status in cells.items():
        row[role.replace("_", ".")] = status
    return row


def only(roles, status: int, otherwise: int, anon: int = 302) -> dict[str, int]:
    row = expect(otherwise, anon)
    for role in roles:
        row[role] = status
    return row


def editing_own(ok: int = 200) -> dict[str, int]:
    """A pupil's write URL: editing roles may; the zorgcoördinator, and the mbo-school the pupil applied to, are in
    scope but may not; others see nothing."""
    return {**only(EDITING, ok, 404), "zorg.vo1": 403, "roc.mbo1": 403}


def form_own(roles, ok: int = 200) -> dict[str, int]:
    """A doorstroomformulier URL of the school: ``roles`` may; the rest of the school and the mbo-school the pupil
    applied to are in scope but may not (the mbo only reads what was sent); others see nothing."""
    return {**only(roles, ok, 404), **{role: 403 for role in (*VO, "roc.mbo1") if role not in roles}}


def mbo_own(ok: int = 200) -> dict[str, int]:
    """What was sent to the mbo-school: only its own users read it here; the school reads it on its own pages."""
    return {**only(["roc.mbo1"], ok, 404), **{role: 403 for role in VO}}


ALL_404 = expect(404)


def gemeente_reads(own: dict, status: int = 403) -> dict[str, int]:
    """The own object's pupil lives in Den Haag: gemeente.denhaag has it in scope (``status``); Delft does not."""
    return {**own, "gemeente.denhaag": status, "gemeente.delft": 404}


def delft_reads(other: dict, status: int = 403) -> dict[str, int]:
    """The other object's pupil lives in Delft: gemeente.delft has it in scope (``status``)."""
    return {**other, "gemeente.delft": status}


def in_mbo2_scope(status: int, row: dict | None = None) -> dict[str, int]:
    """The other object: its pupil applied to roc.mbo2's school, so for roc.mbo2 it is in scope."""
    return {**(row or ALL_404), "roc.mbo2": status}


# name: (method, object kind, expected on the own object, expected on another organisation's object)
SPEC: dict[str, tuple[str, str, dict, dict | None]] = {
    "root": ("GET", "-", expect(302, leerling_vo1=302), None),  # a leerling: to their own dossier
    "favicon": ("GET", "-", expect(301, anon=301, leerling_vo1=301), None),
    "notifications:meldingen": ("GET", "-", expect(200), None),
    "notifications:open": ("GET", "melding", only(VO, 302, 404), ALL_404),
    "notifications:read_all": ("POST", "-", expect(302), None),
    # logged in: on to Meldingen (a leerling: to their own dossier)
    "accounts:login": ("GET", "-", expect(302, anon=200, leerling_vo1=302), None),
    "accounts:logout": ("GET", "-", expect(200, anon=302, leerling_vo1=200), None),
    "accounts:password_reset": ("GET", "-", expect(200, anon=200, leerling_vo1=200), None),
    "accounts:password_reset_sent": ("GET", "-", expect(200, anon=200, leerling_vo1=200), None),
    "accounts:password_reset_confirm": ("GET", "token", expect(200, anon=200, leerling_vo1=200), None),
    "accounts:profile": ("GET", "-", expect(200, leerling_vo1=200), None),
    "accounts:change_password": ("GET", "-", expect(200, leerling_vo1=200), None),
    "accounts:profile_check": ("GET", "-", expect(302, leerling_vo1=302), None),
    "accounts:otp_verify": ("GET", "-", expect(302, leerling_vo1=302), None),
    # Any user may set up an authenticator; the servicedesk and the schoolbeheerder have one already.
    "accounts:otp_setup": ("GET", "-", expect(200, servicedesk=302, beheerder_vo1=302, leerling_vo1=200), None),
    "accounts:users": ("GET", "-", only(["beheerder.vo1"], 200, 403), None),
    "accounts:user_create": ("GET", "-", only(["beheerder.vo1"], 200, 403), None),
    "accounts:user_delete": ("GET", "user", only(["beheerder.vo1"], 200, 403), only(["beheerder.vo1"], 404, 403)),
    "accounts:user_edit": ("GET", "user", only(["beheerder.vo1"], 200, 403), only(["beheerder.vo1"], 404, 403)),
    # Opnieuw uitnodigen: the own "user" object has no e-mail address (403: only for one with an address and no
    # password yet; tests/accounts/test_users_edit.py sends one).
    "accounts:user_reinvite": ("POST", "user", only(["beheerder.vo1"], 403, 403), only(["beheerder.vo1"], 404, 403)),
    "accounts:user_verzuimmelder": (
        "POST",
        "user",
        only(["beheerder.vo1"], 302, 403),
        only(["beheerder.vo1"], 404, 403),
    ),
    "students:overzicht": ("GET", "-", only(VO, 200, 403), None),
    "students:oud": ("GET", "-", only(VO, 200, 403), None),
    "students:toevoegen": ("GET", "-", only(MANAGING, 200, 403), None),
    # Leerlingen importeren: decanen; an import is its user's own (decaan.vo1's; the other: decaan.vo2's).
    "students:importeren": ("GET", "-", only(MANAGING, 200, 403), None),
    "students:import_kolommen": (
        "GET",
        "import",
        {**only(MANAGING, 200, 403), "beheerder.vo1": 404},
        only(MANAGING, 404, 403),
    ),
    "students:import_controle": (
        "GET",
        "import",
        {**only(MANAGING, 200, 403), "beheerder.vo1": 404},
        only(MANAGING, 404, 403),
    ),
    "students:import_resultaat": (
        "GET",
        "import",
        {**only(MANAGING, 302, 403), "beheerder.vo1": 404},
        only(MANAGING, 404, 403),
    ),
    # The mbo-school the pupil applied to has the pupil in scope, but not the school's page of it.
    "students:leerling": (
        "GET",
        "pupil",
        gemeente_reads({**only(VO, 200, 404), "roc.mbo1": 403}, 200),
        delft_reads(in_mbo2_scope(403), 200),
    ),
    "students:bewerken": ("GET", "pupil", editing_own(), in_mbo2_scope(403)),
    # POST on a pupil of this year: nothing to bring back (403 in scope); the flow itself: test_school_year.py
    "students:terug_naar_dit_jaar": (
        "POST",
        "pupil",
        {**only(MANAGING, 403, 404), "mentor.vo1": 403, "zorg.vo1": 403, "roc.mbo1": 403},
        in_mbo2_scope(403),
    ),
    "students:verwijderen": (
        "GET",
        "pupil",
        {**only(MANAGING, 200, 404), "mentor.vo1": 403, "zorg.vo1": 403, "roc.mbo1": 403},
        in_mbo2_scope(403),
    ),
    "students:aanmelding_toevoegen": ("GET", "pupil", editing_own(), in_mbo2_scope(403)),
    "students:elders": ("GET", "pupil", editing_own(), in_mbo2_scope(403)),
    "students:elders_verwijderen": ("GET", "elders", editing_own(), in_mbo2_scope(403)),
    "students:extra_aandacht": ("GET", "pupil", editing_own(), in_mbo2_scope(403)),
    "students:diploma": ("POST", "pupil", editing_own(302), in_mbo2_scope(403)),
    "students:diploma_groep": ("GET", "group-query", {**editing_own(), "roc.mbo1": 404}, ALL_404),
    # The own aanmelding is at roc.mbo2's school (not connected, entered by hand): not in roc.mbo1's scope; roc.mbo2
    # reads its status history (as on its Aanmeldingen page) but changes nothing.
    "students:status": (
        "GET",
        "aanmelding-status",
        gemeente_reads({**only(VO, 200, 404), "roc.mbo2": 200}, 200),
        delft_reads(in_mbo2_scope(200), 200),
    ),
    "students:status_bijwerken": (
        "GET",
        "aanmelding",
        {**editing_own(), "roc.mbo1": 404, "roc.mbo2": 403},
        in_mbo2_scope(403),
    ),
    "students:aanmelding_verwijderen": (
        "GET",
        "aanmelding",
        {**editing_own(), "roc.mbo1": 404, "roc.mbo2": 403},
        in_mbo2_scope(403),
    ),
    "students:logboek": ("GET", "-", only(["beheerder.vo1"], 200, 403), None),
    "students:logboek_leerling": (
        "GET",
        "pupil",
        only(["beheerder.vo1"], 200, 403),
        only(["beheerder.vo1"], 404, 403),
    ),
    "students:export": ("GET", "xlsx-query", only(VO, 200, 403), None),
    "students:print": ("GET", "-", only(VO, 200, 403), None),
    "students:export_job": ("GET", "job", only(["decaan.vo1"], 200, 404), ALL_404),
    "students:export_download": ("GET", "job", only(["decaan.vo1"], 200, 404), ALL_404),
    "students:aanmeldingen": ("GET", "-", only(MBO, 200, 403), None),
    "monitor:index": ("GET", "-", only((*MANAGING, "mentor.vo1", *MBO, *GEMEENTE), 200, 403), None),
    # The monitor's lists (here: all pupils of the scope) and their export; the zorgcoördinator has no monitor.
    "monitor:lijst": ("GET", "monitor-query", only((*MANAGING, "mentor.vo1", *MBO, *GEMEENTE), 200, 403), None),
    "monitor:export": ("GET", "monitor-query", only((*MANAGING, "mentor.vo1", *MBO, *GEMEENTE), 200, 403), None),
    "monitor:actielijst": ("GET", "-", only((*MANAGING, "mentor.vo1", *MBO, *GEMEENTE), 200, 403), None),
    # The doorstroomformulier (own: a pupil of 4A who applied to roc.mbo1's school; other: a pupil of VO2 who
    # did, to roc.mbo2's). "pupil" has a form being filled in, "sent-pupil" one that was sent to the mbo-school it
    # applied to: roc.mbo2 reads the other one that was sent to it, and nothing of the school's own pages.
    "doorstroom:formulier": ("GET", "pupil", form_own(VO), in_mbo2_scope(403)),
    "doorstroom:bekijken": ("GET", "pupil", form_own(VO), in_mbo2_scope(403)),
    "doorstroom:pdf": ("GET", "pupil", form_own(VO), in_mbo2_scope(403)),
    "doorstroom:accorderen": ("POST", "pupil", form_own(MANAGING, 302), in_mbo2_scope(403)),
    "doorstroom:intrekken": ("POST", "pupil", form_own(MANAGING, 302), in_mbo2_scope(403)),
    "doorstroom:correctie": ("GET", "sent-pupil", form_own(MANAGING), in_mbo2_scope(403)),
    "doorstroom:mailen": ("GET", "pupil", form_own(EDITING), in_mbo2_scope(403)),
    "doorstroom:bundel": ("POST", "-", only(VO, 302, 403), None),
    # A working version's attachment: the mbo-school never sees those (not even that they exist).
    "doorstroom:bijlage": ("GET", "attachment", only(VO, 200, 404), ALL_404),
    "doorstroom:verzonden_bijlage": (
        "GET",
        "sent-attachment",
        only([*VO, "roc.mbo1"], 200, 404),
        in_mbo2_scope(200),
    ),
    "doorstroom:ontvangen": ("GET", "sent-pupil", mbo_own(), in_mbo2_scope(200)),
    "doorstroom:ontvangen_pdf": ("GET", "snapshot", mbo_own(), in_mbo2_scope(200)),
    "groups:index": ("GET", "-", only(MANAGING, 200, 403), None),
    "groups:create": ("GET", "-", only(MANAGING, 200, 403), None),
    "groups:mentors": ("GET", "-", only(MANAGING, 200, 403), None),
    "groups:rename": ("GET", "group", only(MANAGING, 200, 403), only(MANAGING, 404, 403)),
    "groups:delete": ("GET", "group", only(MANAGING, 200, 403), only(MANAGING, 404, 403)),
    "groups:members": ("POST", "group", only(MANAGING, 302, 403), only(MANAGING, 404, 403)),
    "set_language": ("POST", "-", expect(302, anon=302, leerling_vo1=302), None),
    # The pupil's own pages: the leerling's dossier; the public pages to make an account (anyone; a token that
    # does not exist answers the page that says the link no longer works).
    "leerling:home": ("GET", "-", only([PUPIL], 200, 403), None),
    "leerling:nieuw": ("GET", "-", only([PUPIL], 200, 403), None),
    # A dossier: the leerling's own (own), another pupil's (other): that one does not exist for the leerling.
    "leerling:dossier": ("GET", "dossier", only([PUPIL], 200, 403), only([PUPIL], 404, 403)),
    "leerling:zoeken": ("GET", "dossier", only([PUPIL], 200, 403), only([PUPIL], 404, 403)),
    # Opsturen: the own dossier is not complete yet, so it goes back to its pages (tests/dossier/test_mentor.py).
    "leerling:opsturen": ("GET", "dossier", only([PUPIL], 302, 403), only([PUPIL], 404, 403)),
    "leerling:nieuwe_link": ("POST", "dossier", only([PUPIL], 302, 403), only([PUPIL], 404, 403)),
    "leerling:terughalen": ("POST", "dossier", only([PUPIL], 302, 403), only([PUPIL], 404, 403)),
    "leerling:verwijderen": ("GET", "dossier", only([PUPIL], 200, 403), only([PUPIL], 404, 403)),
    # The mentor's part B: only the mentor the pupil sent it to, while it is at them (neither dossier here is: 404
    # for every role; tests/dossier/test_mentor.py has the mentor's own cells), or the browser a mentor's link opened.
    "mentordeel:invullen": ("GET", "dossier", expect(404), expect(404)),
    "mentordeel:link": ("GET", "one-token", expect(200, anon=200, leerling_vo1=404), None),
    "mentordeel:gast": ("GET", "-", expect(404, anon=404), None),
    # The akkoordverklaring. Own: leerling.vo1's dossiers (one waiting for the akkoord, one sent with it to roc.mbo1's
    # school, and that consent); other: another pupil's, of VO2, sent to roc.mbo2's school.
    "leerling:akkoord": ("GET", "akkoord-dossier", only([PUPIL], 200, 403), only([PUPIL], 404, 403)),
    "leerling:akkoord_verstuurd": ("GET", "sent-dossier", only([PUPIL], 200, 403), only([PUPIL], 404, 403)),
    "leerling:wat_verstuurd": ("GET", "sent-dossier", only([PUPIL], 200, 403), only([PUPIL], 404, 403)),
    "leerling:akkoord_pdf": ("GET", "consent", only([PUPIL], 200, 403), only([PUPIL], 404, 403)),
    "leerling:intrekken": ("GET", "consent", only([PUPIL], 200, 403), only([PUPIL], 404, 403)),
    # Ontvangen dossiers: the mbo-school's users read what was agreed to for their school; another school's consent
    # does not exist for them (404); other roles may not open the screens (403).
    "mbodossiers:lijst": ("GET", "-", only(MBO, 200, 403), None),
    "mbodossiers:dossier": (
        "GET",
        "consent",
        {**only(["roc.mbo1"], 200, 403), "roc.mbo2": 404},
        {**only(["roc.mbo2"], 200, 403), "roc.mbo1": 404},
    ),
    "mbodossiers:pdf": (
        "GET",
        "consent",
        {**only(["roc.mbo1"], 200, 403), "roc.mbo2": 404},
        {**only(["roc.mbo2"], 200, 403), "roc.mbo1": 404},
    ),
    "leerling:registreren": ("GET", "-", expect(200, anon=200, leerling_vo1=200), None),
    "leerling:zelf_registreren": ("GET", "-", expect(200, anon=200, leerling_vo1=200), None),
    "leerling:verstuurd": ("GET", "-", expect(200, anon=200, leerling_vo1=200), None),
    "leerling:klaar": ("GET", "-", expect(302, anon=302, leerling_vo1=302), None),  # nothing registered: to login
    "leerling:bevestigen": ("GET", "one-token", expect(200, anon=200, leerling_vo1=200), None),
    "leerling:uitnodiging": ("GET", "one-token", expect(200, anon=200, leerling_vo1=200), None),
    # The school's side of pupils' accounts. Own: a registration with VO1's code and a pupil of 4A without an account;
    # other: VO2's registration and pupil. Uitnodigen: who may edit the pupil; "opnieuw" only after an invitation.
    "leerlingaccounts:index": ("GET", "-", only(MANAGING, 200, 403), None),
    "leerlingaccounts:code": ("POST", "-", only(MANAGING, 302, 403), None),
    "leerlingaccounts:code_intrekken": ("POST", "-", only(MANAGING, 302, 403), None),
    "leerlingaccounts:verzoek": ("GET", "registration", only(MANAGING, 200, 403), only(MANAGING, 404, 403)),
    "leerlingaccounts:groep": ("GET", "group-query", only(EDITING, 200, 403), only(EDITING, 404, 403)),
    "leerlingaccounts:uitnodigen": ("GET", "pupil", only(EDITING, 200, 403), only(EDITING, 404, 403)),
    # Opheffen: the decanen, for a pupil with an account (the own pupil has none: 404; tests/dossier has the rest).
    "leerlingaccounts:opheffen": ("GET", "pupil", only(MANAGING, 404, 403), only(MANAGING, 404, 403)),
    "leerlingaccounts:opnieuw": ("POST", "pupil", only(EDITING, 403, 403), only(EDITING, 404, 403)),
    # Doorstroomdossiers: where the pupils' own dossiers stand, for the school's staff (read-only; a list of the
    # user's own pupils, so there is no other organisation's object).
    "dossiers:index": ("GET", "-", only(VO, 200, 403), None),
    # The mbo feed: reports for the ROC-gebruiker of the school; the API knows bearer tokens only
    # (tests/feedback/test_api.py has the token × own/other school cells).
    "feedback:batches": ("GET", "-", only(MBO, 200, 403), None),
    # Own: a batch of roc.mbo1's school; other: one of roc.mbo2's.
    "feedback:batch": (
        "GET",
        "batch",
        {**only(["roc.mbo1"], 200, 403), "roc.mbo2": 404},
        {**only(["roc.mbo1"], 404, 403), "roc.mbo2": 200},
    ),
    "feedback_api:batches": ("GET", "-", expect(401, anon=401), None),
    "feedback_api:batch": ("GET", "batch", expect(401, anon=401), expect(401, anon=401)),
    "feedback_api:openapi": ("GET", "-", expect(200, anon=200), None),
    # The gemeente's side. Own: a pupil of VO1 who lives in Den Haag; other: a pupil of VO2 who lives in Delft.
    "gemeente:leerlingen": ("GET", "-", only(GEMEENTE, 200, 403), None),
    "gemeente:export": ("GET", "xlsx-query", only(GEMEENTE, 200, 403), None),
    "gemeente:meldingen": ("GET", "-", only(GEMEENTE, 200, 403), None),
    "gemeente:meldingen_export": ("GET", "-", only(GEMEENTE, 200, 403), None),
    # A report handled by the gemeente it was made to; the school reads its status on the pupil's page.
    "gemeente:melding": (
        "GET",
        "case",
        {**only(VO, 403, 404), "gemeente.denhaag": 200},
        {**ALL_404, "gemeente.delft": 200},
    ),
    "gemeente:melding_status": (
        "POST",
        "case",
        {**only(VO, 403, 404), "gemeente.denhaag": 200},
        {**ALL_404, "gemeente.delft": 200},
    ),
    "gemeente:melding_contact": (
        "POST",
        "case",
        {**only(VO, 403, 404), "gemeente.denhaag": 200},
        {**ALL_404, "gemeente.delft": 200},
    ),
    # De Overstap: decaan and mentor; the risicomelding also the zorgcoördinator. In scope without the right: 403.
    "gemeente:overstap": ("GET", "pupil", gemeente_reads(editing_own()), delft_reads(in_mbo2_scope(403))),
    "gemeente:risico": (
        "GET",
        "pupil",
        gemeente_reads({**only(VO, 200, 404), "roc.mbo1": 403}),
        delft_reads(in_mbo2_scope(403)),
    ),
    "gemeente:opmerking": (
        "GET",
        "pupil",
        gemeente_reads({**only(VO, 403, 404), "roc.mbo1": 403}, 200),
        delft_reads(in_mbo2_scope(403), 200),
    ),
    # A remark is changed by its author only (the school reads it; the mbo-school never sees it).
    "gemeente:opmerking_wijzigen": (
        "GET",
        "remark",
        {**only(VO, 403, 404), "gemeente.denhaag": 200},
        {**ALL_404, "gemeente.delft": 200},
    ),
    # Niet verschenen: the mbo-school of a former pupil's definitieve keuze (own: at roc.mbo1's school).
    "gemeente:niet_verschenen": (
        "GET",
        "definitief",
        {**only(["beheerder.vo1", "decaan.vo1", "zorg.vo1"], 403, 404), "roc.mbo1": 200, "gemeente.denhaag": 403},
        {**ALL_404, "roc.mbo2": 200, "gemeente.delft": 403},
    ),
    # Verzuim. Own: VO1's melding about a pupil in Den Haag; other: VO2's about a pupil in Delft. The school reads
    # its own (a mentor those of the groups), reports and changes (decaan, zorg, verzuimmelder); the gemeente of the
    # address reads and sets the status.
    "verzuim:lijst": ("GET", "-", only([*VO, *GEMEENTE], 200, 403), None),
    "verzuim:export": ("GET", "-", only([*VO, *GEMEENTE], 200, 403), None),
    "verzuim:melding": (
        "GET",
        "verzuim",
        only([*VO, "gemeente.denhaag"], 200, 404),
        only(["gemeente.delft"], 200, 404),
    ),
    "verzuim:pdf": ("GET", "verzuim", only([*VO, "gemeente.denhaag"], 200, 404), only(["gemeente.delft"], 200, 404)),
    "verzuim:bijlage": (
        "GET",
        "verzuim-bijlage",
        only([*VO, "gemeente.denhaag"], 200, 404),
        only(["gemeente.delft"], 200, 404),
    ),
    "verzuim:wijzigen": (
        "GET",
        "verzuim",
        {**only(["beheerder.vo1", "decaan.vo1", "zorg.vo1"], 200, 404), "mentor.vo1": 403, "gemeente.denhaag": 403},
        {**ALL_404, "gemeente.delft": 403},
    ),
    # POST without data: the form comes back with what is missing (200).
    "verzuim:intrekken": (
        "POST",
        "verzuim",
        {**only(["beheerder.vo1", "decaan.vo1", "zorg.vo1"], 200, 404), "mentor.vo1": 403, "gemeente.denhaag": 403},
        {**ALL_404, "gemeente.delft": 403},
    ),
    "verzuim:status": (
        "POST",
        "verzuim",
        {**only(VO, 403, 404), "gemeente.denhaag": 200},
        {**ALL_404, "gemeente.delft": 200},
    ),
    "verzuim:nieuw": (
        "GET",
        "pupil",
        gemeente_reads(
            {**only(["beheerder.vo1", "decaan.vo1", "zorg.vo1"], 200, 404), "mentor.vo1": 403, "roc.mbo1": 403}
        ),
        delft_reads(in_mbo2_scope(403)),
    ),
    # Rapportages: the gemeente's own monthly reports. Own: Den Haag's report; other: Delft's. Another gemeente's
    # report does not exist for a gemeente user (404); every other role may not open the screen at all (403).
    "monitor:rapportages": ("GET", "-", only(GEMEENTE, 200, 403), None),
    "monitor:rapportage_excel": (
        "GET",
        "monthly-report",
        {**only(GEMEENTE, 200, 403), "gemeente.delft": 404},
        {**only(GEMEENTE, 200, 403), "gemeente.denhaag": 404},
    ),
    "monitor:rapportage_pdf": (
        "GET",
        "monthly-report",
        {**only(GEMEENTE, 200, 403), "gemeente.delft": 404},
        {**only(GEMEENTE, 200, 403), "gemeente.denhaag": 404},
    ),
    "verzuim:locaties": ("GET", "-", only(["beheerder.vo1"], 200, 403), None),
    "verzuim:melders": ("GET", "-", only(["beheerder.vo1"], 200, 403), None),
    "verzuim:locatie": (
        "POST",
        "locatie",
        only(["beheerder.vo1"], 302, 403),
        only(["beheerder.vo1"], 404, 403),
    ),
    "verzuim:melder": (
        "POST",
        "melder",
        only(["beheerder.vo1"], 302, 403),
        only(["beheerder.vo1"], 404, 403),
    ),
}

# A pupil's page that changes the pupil, its aanmeldingen or its form: the gemeente of the pupil's address has the
# pupil in scope but may change nothing (403); the other gemeente does not see it (404).
READ_ONLY_FOR_GEMEENTE = [
    "students:bewerken",
    "students:terug_naar_dit_jaar",
    "students:verwijderen",
    "students:aanmelding_toevoegen",
    "students:elders",
    "students:elders_verwijderen",
    "students:extra_aandacht",
    "students:diploma",
    "students:status_bijwerken",
    "students:aanmelding_verwijderen",
    "doorstroom:formulier",
    "doorstroom:bekijken",
    "doorstroom:pdf",
    "doorstroom:accorderen",
    "doorstroom:intrekken",
    "doorstroom:correctie",
    "doorstroom:mailen",
    "doorstroom:ontvangen",
    "doorstroom:ontvangen_pdf",
]
for _name in READ_ONLY_FOR_GEMEENTE:
    _method, _kind, _own, _other = SPEC[_name]
    SPEC[_name] = (_method, _kind, gemeente_reads(_own), delft_reads(_other or ALL_404))
UNNAMED = {"": "root", "favicon.ico": "favicon"}


def all_url_names() -> set[str]:
    names = set()

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    namespace + (f"{pattern.namespace}:" if pattern.namespace else ""),
                )
            else:
                names.add(namespace + pattern.name if pattern.name else UNNAMED[prefix + str(pattern.pattern)])

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_row_in_the_matrix():
    assert all_url_names() == set(SPEC)


def _forms(own_pupil, other_pupil, own_sent, other_sent, users) -> dict:
    """Forms for the doorstroom rows: being filled in (own, other) and sent (own to roc.mbo1's school, other to
    the other mbo-school)."""
    from django.test import TestCase

    from doorstroom.models import Formulier, Snapshot, SnapshotAttachment
    from doorstroom.services import approve
    from tests.doorstroom.helpers import complete_form, make_form

    Formulier.objects.filter(pupil__in=[own_pupil, other_pupil, own_sent, other_sent]).delete()
    own = make_form(own_pupil, answers={"beroepswens": "Kok"})
    other = make_form(other_pupil, answers={"beroepswens": "Bakker"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        for pupil, decaan in ((own_sent, "decaan.vo1"), (other_sent, "decaan.vo2")):
            approve(form=complete_form(pupil), by=users[decaan])
    own_snapshot, other_snapshot = (Snapshot.objects.get(form__pupil=p) for p in (own_sent, other_sent))
    return {
        "attachment": (own.attachments.get().pk, other.attachments.get().pk),
        "sent-pupil": (own_sent.pk, other_sent.pk),
        "snapshot": (own_snapshot.pk, other_snapshot.pk),
        "sent-attachment": tuple(SnapshotAttachment.objects.get(snapshot=s).pk for s in (own_snapshot, other_snapshot)),
    }


@pytest.fixture
def users(demo_pupils) -> dict[str, User]:
    """The demo users by login name, and a user of the second mbo-school and of the second gemeente."""
    from accounts.models import Organisation, Role
    from tests.factories import UserFactory

    UserFactory(username="roc.mbo2", organisation=Organisation.objects.get(code="25BB"), role=Role.ROC)
    return {u.username: u for u in User.objects.select_related("organisation")}


@pytest.fixture(scope="session")
def objects_snapshot(demo_snapshots, django_db_blocker) -> tuple[Snapshot, dict]:
    """The matrix's objects, made once for the run on top of the demo region (tests/demo_snapshot.py)."""
    with django_db_blocker.unblock():
        return snapshot_of(_make_objects, on_top_of=(demo_snapshots.users, demo_snapshots.pupils))


@pytest.fixture
def objects(demo_pupils, objects_snapshot) -> dict:
    """Per kind of object: the key of one the user may see (own) and of one outside their scope (other)."""
    snapshot, keys = objects_snapshot
    snapshot.restore()
    return keys


def _make_objects() -> dict:
    demo_pupils = {u.username: u for u in User.objects.select_related("organisation")}
    # Own: pupils of 4A (mentor.vo1's group) who applied to roc.mbo1's school and not to roc.mbo2's; other: pupils
    # of VO2 who applied to roc.mbo2's school and not to roc.mbo1's.
    applied = Pupil.objects.filter(
        school__code="00AA", group__name="4A", aanmeldingen__mbo_school__code="25AA", account__isnull=True
    ).exclude(aanmeldingen__mbo_school__code="25BB")
    own_pupil, own_sent = applied.distinct().order_by("pk")[:2]
    elsewhere = Pupil.objects.filter(school__code="00BB", aanmeldingen__mbo_school__code="25BB").exclude(
        aanmeldingen__mbo_school__code="25AA"
    )
    other_pupil, other_sent = elsewhere.distinct().order_by("pk")[:2]
    own_aanmelding = Aanmelding.objects.filter(
        pupil__school__code="00AA", pupil__group__name="4A", mbo_school__connected=False
    ).first()
    other_aanmelding = Aanmelding.objects.filter(pupil__school__code="00BB", mbo_school__code="25BB").first()
    decaan = demo_pupils["decaan.vo1"]
    # Where they live decides the gemeente: the own objects' pupils in Den Haag, the other ones' in Delft.
    Pupil.objects.filter(pk__in=[own_pupil.pk, own_sent.pk, own_aanmelding.pupil_id]).update(postcode="2517 AB")
    Pupil.objects.filter(pk__in=[other_pupil.pk, other_sent.pk, other_aanmelding.pupil_id]).update(postcode="2611 AB")
    return {
        "case": _cases(own_pupil, other_pupil),
        "remark": (
            RemarkFactory(pupil=own_pupil, gemeente=gm("GM0518"), author=demo_pupils["gemeente.denhaag"]).pk,
            RemarkFactory(pupil=other_pupil, gemeente=gm("GM0503"), author=demo_pupils["gemeente.delft"]).pk,
        ),
        "definitief": _former_definitief(),
        **_verzuim(own_pupil, other_pupil, demo_pupils),
        "pupil": (own_pupil.pk, other_pupil.pk),
        "aanmelding": (own_aanmelding.pk, other_aanmelding.pk),
        "aanmelding-status": (
            (own_aanmelding.pk, own_aanmelding.status),
            (other_aanmelding.pk, other_aanmelding.status),
        ),
        "group": (
            Group.objects.get(school__code="00AA", name="4A").pk,
            Group.objects.get(school__code="00BB", name="4KB").pk,
        ),
        "user": (
            User.objects.create_user("extra.vo1", None, organisation=decaan.organisation, role="mentor").pk,
            demo_pupils["mentor.vo2"].pk,
        ),
        "melding": (
            notify(organisation=decaan.organisation, kind=MeldingKind.STATUS, text="Eigen", pupil=own_pupil).pk,
            notify(organisation=other_pupil.school, kind=MeldingKind.STATUS, text="Ander", pupil=other_pupil).pk,
        ),
        "job": _jobs(demo_pupils),
        "import": _imports(demo_pupils),
        **_forms(own_pupil, other_pupil, own_sent, other_sent, demo_pupils),
        "batch": _batches(),
        "monthly-report": _monthly_reports(),
        "registration": _registrations(),
        "dossier": _dossiers(),
        **_akkoord(),
        "elders": (
            record_elders(pupil=own_pupil, kind="werk", date=datetime.date(2026, 10, 1)).pk,
            record_elders(pupil=other_pupil, kind="werk", date=datetime.date(2026, 10, 1)).pk,
        ),
    }


def _registrations() -> tuple[int, int]:
    """A registration with VO1's code (own) and one with VO2's (other), both waiting for the decaan."""
    from dossier.models import Registration

    ids = []
    for code in ("00AA", "00BB"):
        registration = Registration.objects.create(
            kind="schoolcode",
            school=gm(code),
            voornaam="Onbekend",
            achternaam="Persoon",
            geboortedatum=datetime.date(2011, 1, 1),
            email=f"onbekend.{code.lower()}@example.com",
            status="school",
            reason="geen",
        )
        ids.append(registration.pk)
    return ids[0], ids[1]


def _dossiers() -> tuple[int, int]:
    """leerling.vo1's own dossier, and one of another pupil of VO2 with an account of their own."""
    from dossier.filling import start_dossier
    from dossier.models import PupilAccount
    from tests.dossier.helpers import pupil_account

    own = start_dossier(account=PupilAccount.objects.get(user__username=PUPIL), kind="vo-mbo")
    other_pupil = PupilFactory(school=gm("00BB"))
    other = start_dossier(account=pupil_account(other_pupil), kind="vo-mbo")
    return own.pk, other.pk


def _akkoord() -> dict:
    """Per pupil: a dossier waiting for the akkoordverklaring and one sent with it, and that consent. Own: leerling.vo1's,
    sent to roc.mbo1's school; other: a pupil of VO2 with an account, sent to roc.mbo2's."""
    from dossier.akkoord import give_akkoord, needs_parent, statements_for
    from dossier.models import PupilAccount
    from students.models import Opleiding
    from tests.dossier.akkoord_helpers import at_akkoord
    from tests.dossier.helpers import pupil_account

    own_account = PupilAccount.objects.get(user__username=PUPIL)
    other_account = pupil_account(PupilFactory(school=gm("00BB")))
    found: dict[str, list[int]] = {"akkoord-dossier": [], "sent-dossier": [], "consent": []}
    for account, mbo in ((own_account, "25AA"), (other_account, "25BB")):
        opleiding = Opleiding.objects.filter(school__code=mbo, active=True).order_by("pk").first()
        location = opleiding.locations.order_by("pk").first()
        found["akkoord-dossier"].append(at_akkoord(account, opleiding, location=location).pk)
        sent = at_akkoord(account, opleiding, location=location)
        statements = statements_for(sent, parent=needs_parent(sent))
        found["sent-dossier"].append(sent.pk)
        found["consent"].append(give_akkoord(dossier=sent, statements=statements).pk)
    return {key: (ids[0], ids[1]) for key, ids in found.items()}


def gm(code: str):
    from accounts.models import Organisation

    return Organisation.objects.get(code=code)


def _cases(own_pupil, other_pupil) -> tuple[int, int]:
    from gemeente.models import Case

    Case.objects.filter(pupil__in=[own_pupil, other_pupil]).delete()  # the demo's, if any
    return (
        CaseFactory(pupil=own_pupil, gemeente=gm("GM0518")).pk,
        CaseFactory(pupil=other_pupil, gemeente=gm("GM0503")).pk,
    )


def _former_definitief() -> tuple[int, int]:
    """A definitieve keuze of last year's pupils (the mbo year has started): at roc.mbo1's school of a VO1 pupil
    in Den Haag, and at roc.mbo2's of a VO2 pupil in Delft."""
    from students.aanmeldingen import add_aanmelding
    from students.models import Opleiding, Status
    from students.schoolyear import current_school_year

    ids = []
    for school, mbo, postcode in (("00AA", "25AA", "2517 AB"), ("00BB", "25BB", "2611 AB")):
        pupil = PupilFactory(school=gm(school), school_year=current_school_year() - 1, postcode=postcode)
        opleiding = Opleiding.objects.filter(school__code=mbo).first()
        source = "feed" if opleiding.school.connected else "hand"
        ids.append(add_aanmelding(pupil=pupil, opleiding=opleiding, status=Status.DEFINITIEF, source=source).pk)
    return ids[0], ids[1]


def _verzuim(own_pupil, other_pupil, users) -> dict:
    """A verzuimmelding of each school (with an attachment), and a locatie of each."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from doorstroom.pdfgen import simple_pdf
    from verzuim.models import Locatie, Melder
    from verzuim.services import report

    meldingen, locaties, melders = [], [], []
    for pupil, decaan in ((own_pupil, "decaan.vo1"), (other_pupil, "decaan.vo2")):
        pupil.refresh_from_db()  # its address as set above decides the gemeente
        school = users[decaan].organisation
        locatie = Locatie.objects.create(school=school, name=f"Matrix {school.code}")
        data = {
            "soort": "signaal",
            "reden": "onbekend",
            "begin": datetime.date(2026, 10, 1),
            "locatie": locatie,
            "melder_naam": "Matrix",
        }
        upload = SimpleUploadedFile("overzicht.pdf", simple_pdf(["Verzuimoverzicht"]), "application/pdf")
        meldingen.append(report(pupil=pupil, by=users[decaan], data=data, attachments=[upload]))
        locaties.append(locatie)
        melders.append(Melder.objects.create(school=school, name=f"Melder {school.code}"))
    return {
        "verzuim": (meldingen[0].pk, meldingen[1].pk),
        "verzuim-bijlage": tuple(m.bijlagen.get().pk for m in meldingen),
        "locatie": (locaties[0].pk, locaties[1].pk),
        "melder": (melders[0].pk, melders[1].pk),
    }


def _jobs(users) -> tuple[int, int]:
    from students import exports

    own = ExportJob.objects.create(user=users["decaan.vo1"], params={"formaat": "xlsx"})
    other = ExportJob.objects.create(user=users["decaan.vo2"], params={"formaat": "xlsx"})
    exports.run_job(own.pk)
    exports.run_job(other.pk)
    return own.pk, other.pk


def _imports(users) -> tuple[int, int]:
    """An import waiting for its preview, of decaan.vo1 (own) and of decaan.vo2 (other), its mapping confirmed."""
    from students.imports import services
    from tests.factories import valid_bsn
    from tests.students.imports.files import csv_bytes, person

    ids = []
    for name in ("decaan.vo1", "decaan.vo2"):
        imp = services.start_import(user=users[name], filename="a.csv", data=csv_bytes([person(0, valid_bsn(9000))]))
        services.confirm_mapping(imp=imp, mapping=imp.mapping, filter_column=None, filter_value="")
        ids.append(imp.pk)
    return ids[0], ids[1]


def _monthly_reports() -> tuple[int, int]:
    """A monthly report of Den Haag (own) and of Delft (other), with small stand-in files (access, not content)."""
    import datetime

    from django.core.files.base import ContentFile

    from monitor.models import MonthlyReport

    ids = []
    for code in ("GM0518", "GM0503"):
        report = MonthlyReport(gemeente=gm(code), peildatum=datetime.date(2026, 11, 1))
        report.excel.save("matrix.xlsx", ContentFile(b"xlsx"), save=False)
        report.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.4"), save=False)
        report.save()
        ids.append(report.pk)
    return ids[0], ids[1]


def _batches() -> tuple[int, int]:
    from accounts.models import Organisation
    from feedback.models import Batch

    own, other = (
        Batch.objects.create(mbo_school=Organisation.objects.get(code=c), transport="api") for c in ("25AA", "25BB")
    )
    return own.pk, other.pk


def url_for(name: str, kind: str, value) -> str:
    if name == "root":
        return "/"
    if name == "favicon":
        return "/favicon.ico"
    if kind == "-":
        return reverse(name)
    if kind == "token":
        return reverse(name, args=["MQ", "ongeldig-token"])
    if kind == "one-token":
        return reverse(name, args=["ongeldig-token"])
    if kind == "group-query":
        return f"{reverse(name)}?groep={value}"
    if kind == "xlsx-query":
        return f"{reverse(name)}?formaat=xlsx&groep=alle"
    if kind == "monitor-query":
        return f"{reverse(name)}?figuur=alle&formaat=xlsx"
    if kind == "aanmelding-status":
        return reverse(name, args=list(value))
    return reverse(name, args=[value])


LOGIN = reverse("accounts:login")
# Where an anonymous visitor is sent when it is not the login page (the page itself then asks to log in).
ANON_ELSEWHERE = {"set_language": "/"}  # the start address sends an anonymous visitor to the login page itself


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_matrix(client, users, objects, role):
    if role != "anon":
        login_as(client, users[role])
    wrong = []
    for name, (method, kind, own, other) in SPEC.items():
        kind_key = {"group-query": "group", "xlsx-query": "-", "monitor-query": "-"}.get(kind, kind)
        values = objects.get(kind_key, (None, None))
        if kind == "-" and name == "doorstroom:bundel":
            values = (None, None)
        for side, expected in (("own", own), ("other", other)):
            if expected is None:
                continue
            url = url_for(name, kind, values[0] if side == "own" else values[1])
            response = client.post(url) if method == "POST" else client.get(url)
            if response.status_code != expected[role]:
                wrong.append(f"{name} ({side}) {method} {url}: {response.status_code}, expected {expected[role]}")
            elif role == "anon" and response.status_code == 302:
                target = ANON_ELSEWHERE.get(name, LOGIN)
                if (response.url if name in ANON_ELSEWHERE else response.url.split("?")[0]) != target:
                    wrong.append(f"{name} ({side}) {method} {url}: to {response.url}, expected {target}")
    assert wrong == [], "\n".join(wrong)


# --- the admin -------------------------------------------------------------------------------------------------
ADMIN_LOGIN = reverse("admin:login")
MODEL_VIEWS = ("changelist", "add", "change", "delete", "history")
REDIRECT = "<path:object_id>/"  # admin/<app>/<model>/<id>/: on to the change page

# What the servicedesk gets where it is not 200, on the URLs every registered model has. 403: the admin does not
# offer it (records made elsewhere, append-only logs, revoke instead of delete, …).
ADMIN_MODEL_EXCEPTIONS: dict[str, int] = {
    # django-axes records its own attempts and logs.
    "admin:axes_accessattempt_add": 403,
    "admin:axes_accesslog_add": 403,
    "admin:axes_accessfailurelog_add": 403,
    # The audit log is append-only; its entries go when their retention period ends.
    "admin:audit_auditentry_add": 403,
    "admin:audit_auditentry_delete": 403,
    # Schools and feeds record aanmeldingen; a started school year stays started.
    "admin:students_aanmelding_add": 403,
    "admin:students_schoolyearstart_delete": 403,
    # A declaration comes with load_declaration; one in use is not deleted. Forms are made by schools.
    "admin:doorstroom_declaration_add": 403,
    "admin:doorstroom_declaration_delete": 403,
    "admin:doorstroom_formulier_add": 403,
    "admin:notifications_outgoingmail_add": 403,
    # A token is revoked, not deleted; batches, their lines and waiting rows come from the feed and go with its
    # retention period.
    "admin:feedback_feedtoken_delete": 403,
    "admin:feedback_batch_add": 403,
    "admin:feedback_batch_delete": 403,
    "admin:feedback_batchline_add": 403,
    "admin:feedback_batchline_delete": 403,
    "admin:feedback_waitingrow_add": 403,
    "admin:feedback_waitingrow_delete": 403,
}

# Every other admin URL: (what it needs, the servicedesk's answer).
ADMIN_OTHER: dict[str, tuple[str, int]] = {
    "admin:index": ("-", 200),
    "admin:login": ("-", 302),  # logged in and verified: on to the one login, which sends it on
    "admin:logout": ("-", 405),  # logging out takes a POST
    "admin:password_change": ("-", 200),
    "admin:password_change_done": ("-", 200),
    "admin:jsi18n": ("-", 200),
    "admin:autocomplete": ("autocomplete", 200),
    "admin:view_on_site": ("view-on-site", 404),  # no model has a page of its own outside the admin
    "admin:app_list": ("app", 200),
    "admin:auth_user_password_change": ("user", 200),  # Django's UserAdmin names it so
    "admin:otp_totp_totpdevice_config": ("device", 200),
    "admin:otp_totp_totpdevice_qrcode": ("device", 200),
    "admin:students_pupil_inzage": ("pupil", 200),
    "admin:students_pupil_remove": ("pupil", 200),  # the page that asks for the number
    "admin:feedback_batch_pickup": ("-", 405),  # takes a POST
    "(?P<url>.*)$": ("catch-all", 404),
}
# Where an anonymous visitor goes when it is not the admin's login.
ADMIN_ANON_ELSEWHERE = {"admin:login": LOGIN, "admin:logout": reverse("admin:index")}


def registered_models() -> list:
    from django.contrib import admin

    return list(admin.site._registry)


def model_keys(model) -> list[str]:
    label = f"{model._meta.app_label}_{model._meta.model_name}"
    return [
        *(f"admin:{label}_{view}" for view in MODEL_VIEWS),
        f"{model._meta.app_label}/{model._meta.model_name}/{REDIRECT}",
    ]


def all_admin_urls() -> set[str]:
    """Every admin URL by name; an unnamed one by its pattern below the admin's root."""
    keys = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                keys.add(f"admin:{pattern.name}" if pattern.name else prefix + str(pattern.pattern))

    [site] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "admin"]
    walk(site.url_patterns)
    return keys


def test_every_admin_url_has_a_row():
    generic = {key for model in registered_models() for key in model_keys(model)}
    assert all_admin_urls() == generic | set(ADMIN_OTHER)
    assert set(ADMIN_MODEL_EXCEPTIONS) <= generic


@pytest.fixture
def admin_users(demo) -> dict[str, User]:
    from accounts.models import Organisation, Role
    from tests.factories import UserFactory

    UserFactory(username="roc.mbo2", organisation=Organisation.objects.get(code="25BB"), role=Role.ROC)
    return {u.username: u for u in User.objects.select_related("organisation")}


@pytest.fixture
def admin_objects(admin_users) -> dict:
    """One record of every registered model (made where the demo has none)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Organisation
    from audit.models import Action
    from audit.services import record_event
    from feedback.models import Batch, BatchLine, WaitingRow
    from feedback.tokens import create_token
    from monitor.models import RegionNorm
    from notifications.models import OutgoingMail
    from students import bsn
    from students.aanmeldingen import add_aanmelding
    from students.models import SchoolYearStart
    from students.schoolyear import current_school_year
    from tests.doorstroom.helpers import make_form
    from tests.factories import GroupFactory, OpleidingFactory, PupilFactory, valid_bsn

    vo1, mbo1 = (Organisation.objects.get(code=code) for code in ("00AA", "25AA"))
    client = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "iemand", "http_accept": "*/*"}
    AccessAttempt.objects.create(**client, path_info="/", get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**client, path_info="/")
    AccessFailureLog.objects.create(**client, path_info="/")
    TOTPDevice.objects.create(user=admin_users["servicedesk"], name="app", confirmed=True)
    record_event(Action.LOGIN, user=admin_users["decaan.vo1"])
    pupil = PupilFactory(school=vo1, group=GroupFactory(school=vo1))
    opleiding = OpleidingFactory(school=mbo1)
    if not opleiding.locations.exists():
        from students.models import Location

        opleiding.locations.add(Location.objects.create(school=mbo1, name="Hoofdlocatie", plaats="Den Haag"))
    add_aanmelding(pupil=pupil, opleiding=opleiding, source="feed")
    SchoolYearStart.objects.get_or_create(year=current_school_year(), defaults={"started_by": "test"})
    make_form(pupil, answers={"beroepswens": "Kok"})
    RegionNorm.objects.get_or_create(region="Haaglanden")
    notify(organisation=vo1, kind=MeldingKind.STATUS, text="Eigen", pupil=pupil)
    OutgoingMail.objects.create(subject="Test", to="iemand@example.com")
    create_token(school=mbo1, name="test", by=None)
    batch = Batch.objects.create(mbo_school=mbo1, transport="api")
    BatchLine.objects.create(batch=batch, line=1, aanmelding_id="A-1", kind="rejected", reason="test")
    WaitingRow.objects.create(
        mbo_school=mbo1,
        batch=batch,
        line=2,
        aanmelding_id="A-2",
        bsn_index=bsn.blind_index(valid_bsn(7)),
        bsn_encrypted=bsn.encrypt(valid_bsn(7)),
        crebo="25655",
        status=2,
        status_at=timezone.now(),
    )
    records = {model: model._default_manager.order_by("pk").first() for model in registered_models()}
    missing = [model._meta.label for model, record in records.items() if record is None]
    assert not missing, f"no record to try the admin's pages with: {missing}"
    return {"records": records, "pupil": pupil, "user": admin_users["decaan.vo1"]}


def admin_rows(objects) -> list[tuple[str, str, int]]:
    """(key, address, the servicedesk's answer) for every admin URL."""
    from django.contrib.contenttypes.models import ContentType
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from students.models import Pupil

    rows = []
    for model, record in objects["records"].items():
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        for view, key in zip(MODEL_VIEWS, model_keys(model), strict=False):
            args = [] if view in ("changelist", "add") else [record.pk]
            rows.append((key, reverse(f"admin:{label}_{view}", args=args), ADMIN_MODEL_EXCEPTIONS.get(key, 200)))
        key = model_keys(model)[-1]
        address = f"{reverse('admin:index')}{model._meta.app_label}/{model._meta.model_name}/{record.pk}/"
        rows.append((key, address, ADMIN_MODEL_EXCEPTIONS.get(key, 302)))
    device = TOTPDevice.objects.order_by("pk").first()
    needs = {
        "-": lambda name: reverse(name),
        "autocomplete": lambda name: f"{reverse(name)}?app_label=students&model_name=pupil&field_name=school",
        "view-on-site": lambda name: reverse(
            name, args=[ContentType.objects.get_for_model(Pupil).pk, objects["pupil"].pk]
        ),
        "app": lambda name: reverse(name, args=["students"]),
        "user": lambda name: reverse(name, args=[objects["user"].pk]),
        "device": lambda name: reverse(name, args=[device.pk]),
        "pupil": lambda name: reverse(name, args=[objects["pupil"].pk]),
        "catch-all": lambda name: f"{reverse('admin:index')}bestaat-niet/",
    }
    for key, (need, status) in ADMIN_OTHER.items():
        rows.append((key, needs[need](key), status))
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role != PUPIL])
def test_the_admin_matrix(client, admin_users, admin_objects, role):
    """Anonymous: to the login; every role but the servicedesk: 403; the servicedesk with its second factor: the
    page (or the answer noted in the table)."""
    if role != "anon":
        login_as(client, admin_users[role])
    wrong = []
    for key, url, servicedesk in admin_rows(admin_objects):
        response = client.get(url)
        if role == "anon":
            target = ADMIN_ANON_ELSEWHERE.get(key, ADMIN_LOGIN)
            if response.status_code != 302 or response.url.split("?")[0] != target:
                wrong.append(f"{key} {url}: {response.status_code} {response.get('Location')}, expected 302 {target}")
        elif response.status_code != (servicedesk if role == "servicedesk" else 403):
            expected = servicedesk if role == "servicedesk" else 403
            wrong.append(f"{key} {url}: {response.status_code}, expected {expected}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_a_leerling_finds_no_admin(client, demo_pupils):
    """For a leerling the admin does not exist (404), not even its login or its index."""
    login_as(client, demo_pupils[PUPIL])
    for url in (reverse("admin:index"), reverse("admin:login"), reverse("admin:students_pupil_changelist")):
        assert client.get(url).status_code == 404, url
