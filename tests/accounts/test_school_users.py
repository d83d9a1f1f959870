"""Tab Gebruikers: the decaan schoolbeheerder lists, adds and deletes the users of their own school."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from groups.models import MentorGrant
from tests.conftest import login_as
from tests.factories import GroupFactory, OrganisationFactory, PupilFactory

USERS = reverse("accounts:users")
NEW = reverse("accounts:user_create")
HX = {"HX-Request": "true"}
DATA = {
    "role": Role.MENTOR,
    "aanhef": "mevr",
    "voornaam": "Lotte",
    "tussenvoegsel": "van",
    "achternaam": "Dam",
    "email": "l.vandam@school.example",
    "username": "L.vanDam",
}


@pytest.fixture
def beheerder_client(client, demo):
    login_as(client, demo["beheerder.vo1"])
    return client


@pytest.mark.django_db
def test_the_list_holds_the_own_schools_users_only(beheerder_client, demo):
    users = beheerder_client.get(USERS).context["users"]
    assert {u.username for u in users} == {"beheerder.vo1", "decaan.vo1", "mentor.vo1", "zorg.vo1"}


@pytest.mark.django_db
def test_the_button_and_tab_are_for_the_decaan_schoolbeheerder_only(client, demo):
    for username in ("decaan.vo1", "mentor.vo1", "zorg.vo1", "roc.mbo1"):
        client.force_login(demo[username])
        assert client.get(USERS).status_code == 403
        assert client.post(NEW, DATA).status_code == 403
        assert "Maak nieuwe gebruiker aan" not in client.get(reverse("notifications:meldingen")).content.decode()
    assert not User.objects.filter(username="l.vandam").exists()


@pytest.mark.django_db
def test_create_a_user_who_gets_a_mail_to_choose_a_password(beheerder_client, demo):
    form = beheerder_client.get(NEW, headers=HX)
    roles = [value for value, _label in form.context["form"].fields["role"].choices if value]
    assert set(roles) == {Role.DECAAN_BEHEERDER, Role.DECAAN, Role.MENTOR, Role.ZORGCOORDINATOR}
    response = beheerder_client.post(NEW, DATA, headers=HX)
    assert response.headers["HX-Redirect"] == USERS
    user = User.objects.get(username="l.vandam")
    assert user.organisation == demo["beheerder.vo1"].organisation and user.role == Role.MENTOR
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["l.vandam@school.example"]
    assert "wachtwoord" in mail.outbox[0].body.lower()
    listing = beheerder_client.get(USERS).content.decode()
    assert "Lotte van Dam" in listing and "uitgenodigd, nog geen wachtwoord" in listing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"role": Role.SERVICEDESK}, "role", "Selecteer een geldige keuze"),
        ({"role": Role.ROC}, "role", "Selecteer een geldige keuze"),
        ({"username": "decaan.vo1"}, "username", "Deze loginnaam is al in gebruik."),
        ({"username": "DECAAN.VO1"}, "username", "Deze loginnaam is al in gebruik."),
        ({"username": "met spatie"}, "username", "Een loginnaam bestaat uit"),
        ({"email": ""}, "email", "Dit veld is verplicht."),
        ({"email": "geen-adres"}, "email", "geldig e-mailadres"),
        ({"voornaam": ""}, "voornaam", "Dit veld is verplicht."),
    ],
)
def test_wrong_input_is_refused_under_its_field(beheerder_client, change, field, message):
    response = beheerder_client.post(NEW, {**DATA, **change}, headers=HX)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert message in response.content.decode()
    assert User.objects.filter(achternaam="Dam").count() == 0
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_an_organisation_in_the_post_is_ignored_the_user_lands_in_the_own_school(beheerder_client, demo):
    other = OrganisationFactory()
    beheerder_client.post(NEW, {**DATA, "organisation": other.pk, "is_superuser": "on"})
    user = User.objects.get(username="l.vandam")
    assert user.organisation == demo["beheerder.vo1"].organisation and not user.is_superuser and not user.is_staff


@pytest.mark.django_db
def test_delete_with_confirmation_but_never_oneself_nor_another_schools_user(beheerder_client, demo):
    mentor = demo["mentor.vo1"]
    group = GroupFactory(school=mentor.organisation)
    from groups.services import set_mentor_links

    set_mentor_links(school=mentor.organisation, links={(group.pk, mentor.pk)})
    pupil = PupilFactory(school=mentor.organisation, created_by=mentor)
    url = reverse("accounts:user_delete", args=[mentor.pk])
    confirm = beheerder_client.get(url, headers=HX).content.decode()
    assert "Ja, verwijderen" in confirm and "Sanne de Vries" in confirm
    assert User.objects.filter(pk=mentor.pk).exists()
    response = beheerder_client.post(url, headers=HX)
    assert response.headers["HX-Redirect"] == USERS
    assert not User.objects.filter(pk=mentor.pk).exists()
    assert not MentorGrant.objects.exists()  # the mentor's links went with them
    pupil.refresh_from_db()  # the pupil they entered stays
    assert pupil.created_by is None

    me = demo["beheerder.vo1"]
    assert beheerder_client.post(reverse("accounts:user_delete", args=[me.pk])).status_code == 403
    assert reverse("accounts:user_delete", args=[me.pk]) not in beheerder_client.get(USERS).content.decode()
    other = demo["decaan.vo2"]
    assert beheerder_client.post(reverse("accounts:user_delete", args=[other.pk])).status_code == 404
    assert User.objects.filter(pk__in=[me.pk, other.pk]).count() == 2


@pytest.mark.django_db
def test_a_second_beheerder_may_be_made_and_deleted(beheerder_client, demo):
    beheerder_client.post(NEW, {**DATA, "role": Role.DECAAN_BEHEERDER})
    new = User.objects.get(username="l.vandam")
    assert new.role == Role.DECAAN_BEHEERDER
    beheerder_client.post(reverse("accounts:user_delete", args=[new.pk]))
    assert not User.objects.filter(pk=new.pk).exists()


@pytest.mark.django_db
def test_an_e_mail_address_of_another_user_is_refused(beheerder_client, demo):
    taken = demo["decaan.vo1"].email.upper()
    response = beheerder_client.post(NEW, {**DATA, "email": taken}, headers=HX)
    assert "Dit e-mailadres hoort al bij Mohamed el Amrani." in response.content.decode()
    assert not User.objects.filter(username="l.vandam").exists() and len(mail.outbox) == 0


@pytest.mark.django_db
def test_an_e_mail_address_of_someone_at_another_organisation_is_refused_without_naming_them(beheerder_client, demo):
    taken = demo["gemeente.denhaag"].email
    response = beheerder_client.post(NEW, {**DATA, "email": taken}, headers=HX)
    body = response.content.decode()
    assert "Dit e-mailadres is al in gebruik in VOROC." in body
    owner = demo["gemeente.denhaag"]
    assert owner.full_name not in body and owner.organisation.name not in body
    assert not User.objects.filter(username="l.vandam").exists()


@pytest.mark.django_db
def test_pupils_accounts_are_not_on_gebruikers_and_cannot_be_changed_there(beheerder_client, demo_pupils):
    """A pupil's own account (role leerling) belongs to the school but is managed on Leerlingaccounts: Gebruikers
    neither lists it nor changes it (404, as for a user of another school)."""
    from accounts.models import Role, User

    pupil_account = User.objects.get(username="leerling.vo1")
    assert (
        pupil_account.role == Role.LEERLING and pupil_account.organisation == demo_pupils["beheerder.vo1"].organisation
    )
    users = beheerder_client.get(USERS).context["users"]
    assert "leerling.vo1" not in {u.username for u in users} and all(u.role != Role.LEERLING for u in users)
    for name in ("accounts:user_verzuimmelder", "accounts:user_edit", "accounts:user_delete", "accounts:user_reinvite"):
        response = beheerder_client.post(reverse(name, args=[pupil_account.pk]), {"verzuimmelder": "1"})
        assert response.status_code == 404, name
    pupil_account.refresh_from_db()
    assert not pupil_account.verzuimmelder and pupil_account.is_active
