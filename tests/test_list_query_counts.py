"""The list pages that are not pinned beside their own feature: each keeps the same number of queries whatever the
number of rows (Gebruikers, Leerlingaccounts' registrations waiting for the decaan, the servicedesk's pupil list)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from tests.conftest import login_as, session_queries
from tests.factories import PupilFactory, UserFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> tuple[int, object]:
    client.get(url)  # warm: content types, permission caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_gebruikers_of_a_school(client, demo):
    beheerder = demo["beheerder.vo1"]
    login_as(client, beheerder)
    url = reverse("accounts:users")
    few, small = queries(client, url)
    for n in range(40):
        role = (Role.MENTOR, Role.DECAAN, Role.ZORGCOORDINATOR)[n % 3]
        UserFactory(username=f"extra{n}.vo1", organisation=beheerder.organisation, role=role)
    many, large = queries(client, url)
    assert len(large.context["users"]) == len(small.context["users"]) + 40
    assert many == few


def test_registrations_waiting_for_the_decaan(client, demo):
    from dossier.models import Registration, RegistrationKind, RegistrationStatus, WaitReason

    decaan = demo["decaan.vo1"]
    login_as(client, decaan)
    url = reverse("leerlingaccounts:index")

    def add(count: int) -> None:
        for n in range(count):
            Registration.objects.create(
                kind=RegistrationKind.SCHOOLCODE,
                school=decaan.organisation,
                voornaam=f"Sam{n}",
                achternaam="Wachtend",
                geboortedatum=datetime.date(2010, 5, 1 + n % 28),
                email=f"sam{n}@example.com",
                status=RegistrationStatus.SCHOOL if n % 4 else RegistrationStatus.AFGEWEZEN,
                reason=WaitReason.GEEN,
                decided_by=None if n % 4 else decaan,
            )

    add(4)
    few, small = queries(client, url)
    add(60)
    many, large = queries(client, url)
    assert len(large.context["waiting"]) > len(small.context["waiting"]) >= 3
    assert many == few


def test_the_servicedesks_pupil_list(client, demo):
    login_as(client, demo["servicedesk"])
    url = reverse("admin:students_pupil_changelist")
    school = demo["decaan.vo1"].organisation
    PupilFactory.create_batch(3, school=school)
    few, small = queries(client, url)
    PupilFactory.create_batch(60, school=school)
    many, large = queries(client, url)
    assert large.context["cl"].result_count == small.context["cl"].result_count + 60
    assert many == few


def test_leerlingen_uitnodigen_for_a_group(client, demo):
    from dossier.models import AccountSource, PupilAccount
    from groups.models import Group

    decaan = demo["decaan.vo1"]
    login_as(client, decaan)
    group = Group.objects.create(school=decaan.organisation, name="4Z")
    url = reverse("leerlingaccounts:groep") + f"?groep={group.pk}"

    def add(count: int) -> None:
        for n in range(count):
            pupil = PupilFactory(school=decaan.organisation, group=group)
            if n % 2:  # every other one with an account already
                user = UserFactory(
                    username=f"leerling{pupil.pk}.vo1", organisation=decaan.organisation, role=Role.LEERLING
                )
                PupilAccount.objects.create(pupil=pupil, user=user, invited_by=decaan, source=AccountSource.UITNODIGING)

    add(2)
    few, small = queries(client, url)
    add(40)
    many, large = queries(client, url)
    assert len(large.context["rows"]) == len(small.context["rows"]) + 40
    assert sum(1 for _pupil, account in large.context["rows"] if account) == 21
    assert many == few


def test_ontvangen_dossiers_of_an_mbo_school(client, demo):
    """The ROC-gebruiker's list of dossiers sent with an akkoordverklaring: pupils with and without a vo-school, half
    of the ones with a school also applied here (their doorstroomformulier is linked)."""
    from dossier.loader import shipped
    from dossier.models import Consent, Dossier, DossierState
    from students.aanmeldingen import add_aanmelding
    from tests.dossier.helpers import pupil_account
    from tests.factories import OpleidingFactory

    roc = demo["roc.mbo1"]
    school = roc.organisation
    opleiding = OpleidingFactory(school=school)
    declaration = shipped("vo-mbo")
    login_as(client, roc)
    url = reverse("mbodossiers:lijst")

    def add(count: int) -> None:
        for n in range(count):
            pupil = PupilFactory(school=demo["decaan.vo1"].organisation) if n % 3 else None
            if pupil is not None and n % 2:
                add_aanmelding(pupil=pupil, opleiding=opleiding, source="feed", external_id=f"A-{pupil.pk}")
            account = pupil_account(pupil)
            dossier = Dossier.objects.create(
                account=account, declaration=declaration, kind="vo-mbo", state=DossierState.VERSTUURD
            )
            Consent.objects.create(
                dossier=dossier,
                declaration=declaration,
                mbo_school=school,
                choice_text=f"{opleiding.name} bij {school.name}",
                given_by=account.user,
                given_by_name=account.user.full_name,
                snapshot={"format": 1},
                snapshot_checksum="-",
            )

    add(6)
    few, small = queries(client, url)
    add(30)
    many, large = queries(client, url)
    assert len(large.context["rows"]) == len(small.context["rows"]) + 30
    assert sum(1 for _consent, has_form in large.context["rows"] if has_form) > sum(
        1 for _consent, has_form in small.context["rows"] if has_form
    )
    # The session, the user, the count, the consents with their dossiers, accounts, pupils and declarations, which of
    # those pupils the school also has in view, the user's school (the page's header), the list's audit entries.
    assert many == few == 6 + session_queries()


def test_doorstroomdossiers_of_a_school_and_of_a_mentor(client, demo):
    """Whatever the number of pupils, accounts and dossiers (in every stand): the same queries. They are: (the session,)
    the user, their organisation (the header); the user's groups (the filter); the counts of the chips (one
    aggregate); how many pupils (the pages); the page of pupils with their group and account; their dossiers with
    mbo-school and mentor; how long each step took (the dossiers' dates, one query); the audit log's line for the
    pupils shown."""
    from dossier.models import DossierState
    from groups.models import Group
    from groups.services import set_mentor_links
    from tests.conftest import session_queries
    from tests.dossier.helpers import pupil_account
    from tests.dossier.states import dossier_in

    decaan, mentor = demo["decaan.vo1"], demo["mentor.vo1"]
    group = Group.objects.create(school=decaan.organisation, name="4Z")
    set_mentor_links(school=decaan.organisation, links={(group.pk, mentor.pk)})
    url = reverse("dossiers:index")
    states = [None, DossierState.DEEL_A, DossierState.BIJ_MENTOR, DossierState.AKKOORD, DossierState.VERSTUURD]

    def add(count: int) -> None:
        for n in range(count):
            pupil = PupilFactory(school=decaan.organisation, group=group)
            state = states[n % len(states)]
            if state is None:
                if n % 2:
                    pupil_account(pupil)
                continue
            account = pupil_account(pupil)
            dossier_in(state, account=account, mentor=mentor, days=n)
            if n % 3 == 0:
                dossier_in(DossierState.DEEL_A, account=account)  # a second dossier for another opleiding

    for user, query in ((decaan, ""), (mentor, "?stand=mij")):
        login_as(client, user)
        add(3)
        few, small = queries(client, url + query)
        add(40)
        many, large = queries(client, url + query)
        assert len(large.context["rows"]) > len(small.context["rows"]) >= 1
        assert many == few, user
        assert few == session_queries() + 9
