"""Every URL of the project × anonymous and every role, on an object of the own organisation and of another.

The URLs come from the resolver, so a new URL without a row in SPEC fails the test. Admin is left out:
it is one gate (servicedesk with a second factor), tested in tests/accounts/test_admin_otp.py.
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

ROLES = ["anon", "beheerder.vo1", "decaan.vo1", "mentor.vo1", "zorg.vo1", "roc.mbo1", "gemeente.denhaag", "servicedesk"]
VO = ("beheerder.vo1", "decaan.vo1", "mentor.vo1", "zorg.vo1")
MANAGING = ("beheerder.vo1", "decaan.vo1")
EDITING = ("beheerder.vo1", "decaan.vo1", "mentor.vo1")


def expect(default: int, anon: int = 302, **cells: int) -> dict[str, int]:
    """A row: the status per role; ``anon`` is the anonymous visitor (302 = to the login page)."""
    row = {role: default for role in ROLES}
    row["anon"] = anon
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
# name: (method, object kind, expected on the own object, expected on another organisation's object)
SPEC: dict[str, tuple[str, str, dict, dict | None]] = {
    "root": ("GET", "-", expect(302), None),
    "favicon": ("GET", "-", expect(301, anon=301), None),
    "notifications:meldingen": ("GET", "-", expect(200), None),
    "notifications:open": ("GET", "melding", only(VO, 302, 404), ALL_404),
    "notifications:read_all": ("POST", "-", expect(302), None),
    "accounts:login": ("GET", "-", expect(302, anon=200), None),  # logged in: on to Meldingen
    "accounts:logout": ("GET", "-", expect(200, anon=302), None),
    "accounts:password_reset": ("GET", "-", expect(200, anon=200), None),
    "accounts:password_reset_sent": ("GET", "-", expect(200, anon=200), None),
    "accounts:password_reset_confirm": ("GET", "token", expect(200, anon=200), None),
    "accounts:profile": ("GET", "-", expect(200), None),
    "accounts:change_password": ("GET", "-", expect(200), None),
    "accounts:profile_check": ("GET", "-", expect(302), None),
    "accounts:otp_verify": ("GET", "-", expect(302), None),
    # Any user may set up an authenticator; the servicedesk and the schoolbeheerder have one already.
    "accounts:otp_setup": ("GET", "-", expect(200, servicedesk=302, beheerder_vo1=302), None),
    "accounts:users": ("GET", "-", only(["beheerder.vo1"], 200, 403), None),
    "accounts:user_create": ("GET", "-", only(["beheerder.vo1"], 200, 403), None),
    "accounts:user_delete": ("GET", "user", only(["beheerder.vo1"], 200, 403), only(["beheerder.vo1"], 404, 403)),
    "students:overzicht": ("GET", "-", only(VO, 200, 403), None),
    "students:oud": ("GET", "-", only(VO, 200, 403), None),
    "students:toevoegen": ("GET", "-", only(MANAGING, 200, 403), None),
    # The mbo-school the pupil applied to has the pupil in scope, but not the school's page of it.
    "students:leerling": ("GET", "pupil", {**only(VO, 200, 404), "roc.mbo1": 403}, ALL_404),
    "students:bewerken": ("GET", "pupil", editing_own(), ALL_404),
    # POST on a pupil of this year: nothing to bring back (403 in scope); the flow itself: test_school_year.py
    "students:terug_naar_dit_jaar": (
        "POST",
        "pupil",
        {**only(MANAGING, 403, 404), "mentor.vo1": 403, "zorg.vo1": 403, "roc.mbo1": 403},
        ALL_404,
    ),
    "students:verwijderen": (
        "GET",
        "pupil",
        {**only(MANAGING, 200, 404), "mentor.vo1": 403, "zorg.vo1": 403, "roc.mbo1": 403},
        ALL_404,
    ),
    "students:aanmelding_toevoegen": ("GET", "pupil", editing_own(), ALL_404),
    "students:elders": ("GET", "pupil", editing_own(), ALL_404),
    "students:elders_verwijderen": ("GET", "elders", editing_own(), ALL_404),
    "students:extra_aandacht": ("GET", "pupil", editing_own(), ALL_404),
    "students:diploma": ("POST", "pupil", editing_own(302), ALL_404),
    "students:diploma_groep": ("GET", "group-query", {**editing_own(), "roc.mbo1": 404}, ALL_404),
    "students:status": ("GET", "aanmelding-status", only(VO, 200, 404), ALL_404),
    # The own aanmelding is at the other mbo-school (entered by hand): not in roc.mbo1's scope.
    "students:status_bijwerken": ("GET", "aanmelding", {**editing_own(), "roc.mbo1": 404}, ALL_404),
    "students:aanmelding_verwijderen": ("GET", "aanmelding", {**editing_own(), "roc.mbo1": 404}, ALL_404),
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
    "students:aanmeldingen": ("GET", "-", only(["roc.mbo1"], 200, 403), None),
    "students:gemeente": ("GET", "-", only(["gemeente.denhaag"], 200, 403), None),
    "students:monitor": ("GET", "-", only(["gemeente.denhaag"], 200, 403), None),
    # The doorstroomformulier (own: a pupil of 4A who applied to roc.mbo1's school; other: a pupil of VO2 who
    # did not). "pupil" has a form being filled in, "sent-pupil" one that was sent to the mbo-school it applied to.
    "doorstroom:formulier": ("GET", "pupil", form_own(VO), ALL_404),
    "doorstroom:bekijken": ("GET", "pupil", form_own(VO), ALL_404),
    "doorstroom:pdf": ("GET", "pupil", form_own(VO), ALL_404),
    "doorstroom:accorderen": ("POST", "pupil", form_own(MANAGING, 302), ALL_404),
    "doorstroom:intrekken": ("POST", "pupil", form_own(MANAGING, 302), ALL_404),
    "doorstroom:correctie": ("GET", "sent-pupil", form_own(MANAGING), ALL_404),
    "doorstroom:mailen": ("GET", "pupil", form_own(EDITING), ALL_404),
    "doorstroom:bundel": ("POST", "-", only(VO, 302, 403), None),
    # A working version's attachment: the mbo-school never sees those (not even that they exist).
    "doorstroom:bijlage": ("GET", "attachment", only(VO, 200, 404), ALL_404),
    "doorstroom:verzonden_bijlage": ("GET", "sent-attachment", only([*VO, "roc.mbo1"], 200, 404), ALL_404),
    "doorstroom:ontvangen": ("GET", "sent-pupil", mbo_own(), ALL_404),
    "doorstroom:ontvangen_pdf": ("GET", "snapshot", mbo_own(), ALL_404),
    "groups:index": ("GET", "-", only(MANAGING, 200, 403), None),
    "groups:create": ("GET", "-", only(MANAGING, 200, 403), None),
    "groups:mentors": ("GET", "-", only(MANAGING, 200, 403), None),
    "groups:rename": ("GET", "group", only(MANAGING, 200, 403), only(MANAGING, 404, 403)),
    "groups:delete": ("GET", "group", only(MANAGING, 200, 403), only(MANAGING, 404, 403)),
    "groups:members": ("POST", "group", only(MANAGING, 302, 403), only(MANAGING, 404, 403)),
    "set_language": ("POST", "-", expect(302, anon=302), None),
    # The mbo feed: reports for the ROC-gebruiker of the school; the API knows bearer tokens only
    # (tests/feedback/test_api.py has the token × own/other school cells).
    "feedback:batches": ("GET", "-", only(["roc.mbo1"], 200, 403), None),
    "feedback:batch": ("GET", "batch", only(["roc.mbo1"], 200, 403), only(["roc.mbo1"], 404, 403)),
    "feedback_api:batches": ("GET", "-", expect(401, anon=401), None),
    "feedback_api:batch": ("GET", "batch", expect(401, anon=401), expect(401, anon=401)),
    "feedback_api:openapi": ("GET", "-", expect(200, anon=200), None),
}
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
def objects(demo_pupils, eager):
    # Own: pupils of 4A (mentor.vo1's group) who applied to roc.mbo1's school; other: pupils of VO2 who did not.
    applied = Pupil.objects.filter(school__code="00AA", group__name="4A", aanmeldingen__mbo_school__code="25AA")
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
    return {
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
        **_forms(own_pupil, other_pupil, own_sent, other_sent, demo_pupils),
        "batch": _batches(),
        "elders": (
            record_elders(pupil=own_pupil, kind="werk", date=datetime.date(2026, 10, 1)).pk,
            record_elders(pupil=other_pupil, kind="werk", date=datetime.date(2026, 10, 1)).pk,
        ),
    }


def _jobs(users) -> tuple[int, int]:
    from students import exports

    own = ExportJob.objects.create(user=users["decaan.vo1"], params={"formaat": "xlsx"})
    other = ExportJob.objects.create(user=users["decaan.vo2"], params={"formaat": "xlsx"})
    exports.run_job(own.pk)
    exports.run_job(other.pk)
    return own.pk, other.pk


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
    if kind == "group-query":
        return f"{reverse(name)}?groep={value}"
    if kind == "xlsx-query":
        return f"{reverse(name)}?formaat=xlsx&groep=alle"
    if kind == "aanmelding-status":
        return reverse(name, args=list(value))
    return reverse(name, args=[value])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_matrix(client, demo_pupils, objects, role):
    if role != "anon":
        login_as(client, demo_pupils[role])
    wrong = []
    for name, (method, kind, own, other) in SPEC.items():
        kind_key = {"group-query": "group", "xlsx-query": "-"}.get(kind, kind)
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
    assert wrong == [], "\n".join(wrong)
