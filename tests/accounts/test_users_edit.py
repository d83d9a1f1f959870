"""Gebruikers: the decaan schoolbeheerder changes a user's name, role and e-mail address, and sends an invitation
again to someone who has not chosen a password yet; never for another school, never their own role."""

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from tests.conftest import login_as

pytestmark = pytest.mark.django_db


def data(user: User, **change) -> dict:
    values = {f: getattr(user, f) for f in ("role", "aanhef", "voornaam", "tussenvoegsel", "achternaam", "email")}
    return {**values, **change}


def test_the_beheerder_changes_role_and_name_and_it_is_recorded(client, demo):
    login_as(client, demo["beheerder.vo1"])
    mentor = demo["mentor.vo1"]
    response = client.post(
        reverse("accounts:user_edit", args=[mentor.pk]), data(mentor, role="decaan", voornaam="Sanne"), follow=True
    )
    assert "zijn gewijzigd" in response.content.decode()
    mentor.refresh_from_db()
    assert (mentor.role, mentor.voornaam, mentor.username) == ("decaan", "Sanne", "mentor.vo1")
    entry = AuditEntry.objects.filter(summary__startswith="gebruiker mentor.vo1 gewijzigd").get()
    assert "role" in entry.summary and "Sanne" not in entry.summary  # which fields, not their values


def test_not_the_own_role_not_another_school_and_no_address_of_someone_else(client, demo):
    beheerder = demo["beheerder.vo1"]
    login_as(client, beheerder)
    client.post(reverse("accounts:user_edit", args=[beheerder.pk]), data(beheerder, role="mentor"))
    beheerder.refresh_from_db()
    assert beheerder.role == "decaan_beheerder"  # the field is disabled: the posted role is ignored
    assert client.get(reverse("accounts:user_edit", args=[demo["decaan.vo2"].pk])).status_code == 404
    taken = client.post(
        reverse("accounts:user_edit", args=[demo["mentor.vo1"].pk]),
        data(demo["mentor.vo1"], email=demo["decaan.vo1"].email),
    )
    assert "Dit e-mailadres hoort al bij" in taken.content.decode()


def test_an_invitation_is_sent_again_to_who_has_no_password_yet(client, demo, mailoutbox):
    login_as(client, demo["beheerder.vo1"])
    school = demo["beheerder.vo1"].organisation
    invited = User.objects.create_user("nieuw.vo1", None, organisation=school, role="mentor", email="nieuw@school.nl")
    users = client.get(reverse("accounts:users")).content.decode()
    assert users.count('data-testid="reinvite-user"') == 1  # only for the one without a password
    response = client.post(reverse("accounts:user_reinvite", args=[invited.pk]), follow=True)
    assert "krijgt een nieuwe uitnodiging op nieuw@school.nl" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["nieuw@school.nl"]]
    assert client.post(reverse("accounts:user_reinvite", args=[demo["mentor.vo1"].pk])).status_code == 403


def test_two_beheerders_editing_one_user_the_second_is_told_and_loses_nothing(client, demo):
    from django.test import Client

    from accounts.models import Role
    from tests.factories import UserFactory

    mentor = demo["mentor.vo1"]
    url = reverse("accounts:user_edit", args=[mentor.pk])
    other = UserFactory(username="beheerder2.vo1", organisation=mentor.organisation, role=Role.DECAAN_BEHEERDER)
    login_as(client, demo["beheerder.vo1"])  # A
    a_version = client.get(url).context["form"]["versie"].value()
    b = Client()
    login_as(b, other)  # B, in another browser
    b_version = b.get(url).context["form"]["versie"].value()
    b.post(url, {**data(mentor, voornaam="Petra"), "versie": b_version})

    mentor.refresh_from_db()
    assert mentor.voornaam == "Petra", "B saved"
    refused = client.post(url, {**data(mentor, achternaam="Jansen"), "versie": a_version})
    assert refused.status_code == 200, (refused.status_code, a_version, b_version)
    page = refused.content.decode()
    assert "Iemand anders heeft deze gegevens gewijzigd" in page and 'value="Jansen"' in page  # A's input kept
    mentor.refresh_from_db()
    assert (mentor.voornaam, mentor.achternaam) == ("Petra", demo["mentor.vo1"].achternaam)  # B's change stands
    # Saving again from the page shown now (its new versie) is taken.
    again = refused.context["form"]["versie"].value()
    client.post(url, {**data(mentor, achternaam="Jansen"), "versie": again})
    mentor.refresh_from_db()
    assert (mentor.voornaam, mentor.achternaam) == ("Petra", "Jansen")
