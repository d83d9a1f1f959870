"""The audit log: every view, list, export and change of a pupil's data, and the account events around it."""

import pytest
from django.db import connection
from django.urls import reverse

from audit.context import acting_as
from audit.models import Action, AppendOnlyError, AuditEntry
from audit.services import details_of, forget_pupil, record_change
from students.models import Pupil
from tests.conftest import login_as
from tests.factories import GroupFactory, PupilFactory

pytestmark = pytest.mark.django_db


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters))


@pytest.mark.parametrize("username", ["beheerder.vo1", "decaan.vo1", "mentor.vo1", "zorg.vo1"])
def test_opening_a_pupil_is_recorded_with_who_when_where_and_which_screen(client, demo_pupils, username):
    user = demo_pupils[username]
    pupil = Pupil.objects.filter(school=user.organisation, group__name="4A").first()
    login_as(client, user)
    assert client.get(reverse("students:leerling", args=[pupil.pk]), REMOTE_ADDR="10.1.2.3").status_code == 200
    (entry,) = entries(action=Action.VIEW, pupil_id=pupil.pk)
    assert (entry.actor_id, entry.actor_role, entry.actor_organisation_id) == (user.pk, user.role, user.organisation_id)
    assert entry.screen == "students:leerling"
    assert entry.ip == "10.1.2.3"
    assert entry.school_id == pupil.school_id


def test_the_servicedesk_opening_a_pupil_in_admin_is_recorded(client, demo_pupils):
    pupil = Pupil.objects.first()
    login_as(client, demo_pupils["servicedesk"])
    assert client.get(reverse("admin:students_pupil_change", args=[pupil.pk])).status_code == 200
    (entry,) = entries(action=Action.VIEW, pupil_id=pupil.pk)
    assert entry.actor_role == "servicedesk"
    assert entry.screen == "admin:students_pupil_change"


def test_admin_lists_with_pupil_data_are_recorded_with_their_pupils(client, demo_pupils):
    login_as(client, demo_pupils["servicedesk"])
    for name in ("admin:students_pupil_changelist", "admin:students_aanmelding_changelist"):
        assert client.get(reverse(name)).status_code == 200
    lists = entries(action=Action.LIST)
    assert {e.screen for e in lists} == {"admin:students_pupil_changelist", "admin:students_aanmelding_changelist"}
    assert all(e.count and e.actor_role == "servicedesk" for e in lists)


def test_a_pupil_outside_the_scope_is_recorded_as_such(client, demo_pupils):
    other = Pupil.objects.filter(school__code="00BB").first()
    login_as(client, demo_pupils["decaan.vo1"])
    assert client.get(reverse("students:leerling", args=[other.pk])).status_code == 404
    assert [e.action for e in entries(pupil_id=other.pk)] == [Action.OUT_OF_SCOPE]


def test_a_change_keeps_old_and_new_sealed_under_the_pupils_key(decaan_client, decaan):
    pupil = PupilFactory(school=decaan.organisation, voornaam="Sem", woonplaats="Delft")
    data = {f: getattr(pupil, f) for f in ("voornaam", "achternaam", "geslacht", "email", "telefoon", "straat")}
    data.update(
        tussenvoegsel="",
        geboortedatum="17-05-2010",
        huisnummer=12,
        toevoeging="",
        postcode="2517 AB",
        woonplaats="Zoetermeer",
    )
    response = decaan_client.post(reverse("students:bewerken", args=[pupil.pk]), data)
    assert response.status_code == 302
    (entry,) = entries(action=Action.CHANGE, pupil_id=pupil.pk)
    assert entry.field_list == ["woonplaats"]
    assert details_of([entry])[entry.pk] == {"woonplaats": ["Delft", "Zoetermeer"]}
    # In the table the values are sealed: neither the old nor the new place name is readable there.
    with connection.cursor() as cursor:
        cursor.execute("SELECT detail FROM audit_auditentry WHERE id = %s", [entry.pk])
        stored = cursor.fetchone()[0]
    assert "Zoetermeer" not in stored and "Delft" not in stored and b"Zoetermeer".hex() not in stored


def test_a_list_is_one_entry_with_the_pupils_shown_whatever_their_number(decaan_client, decaan):
    group = GroupFactory(school=decaan.organisation, name="4A")
    pupils = [PupilFactory(school=decaan.organisation, group=group) for _ in range(3)]
    decaan_client.get(reverse("students:overzicht"), {"groep": group.pk})
    (entry,) = entries(action=Action.LIST)
    assert entry.count == 3 and entry.screen == "students:overzicht"
    assert "groep 4A" in entry.summary
    assert [e.pk for e in AuditEntry.objects.about_pupil(pupils[1].pk)] == [entry.pk]


def test_a_search_is_recorded_without_the_text_searched_for(decaan_client, decaan):
    PupilFactory(school=decaan.organisation, achternaam="Öztürk")
    decaan_client.post(reverse("students:overzicht"), {"groep": "alle", "q": "ozturk"}, follow=True)
    (entry,) = entries(action=Action.LIST)
    assert "met zoekopdracht" in entry.summary and "ozturk" not in entry.summary.lower()


def test_an_export_is_recorded_with_its_pupils(decaan_client, decaan):
    pupil = PupilFactory(school=decaan.organisation)
    response = decaan_client.get(reverse("students:export"), {"formaat": "xlsx", "groep": "alle"})
    assert response.status_code == 200
    (entry,) = entries(action=Action.EXPORT)
    assert entry.count == 1 and f" {pupil.pk} " in entry.subjects and "xlsx" in entry.summary


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = record_change(PupilFactory(), changes={"voornaam": ("A", "B")})
    entry.summary = "anders"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="anders")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == ""


def test_the_admin_shows_the_log_but_cannot_add_change_or_delete(servicedesk_client):
    entry = record_change(PupilFactory(), changes={"voornaam": ("A", "B")})
    page = servicedesk_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and "A → B" in page.content.decode()
    assert servicedesk_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert (
        servicedesk_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_forgetting_a_pupil_leaves_a_pseudonymised_trace():
    pupil = PupilFactory()
    entry = record_change(pupil, changes={"voornaam": ("Sem", "Daan")})
    assert details_of([entry])[entry.pk] == {"voornaam": ["Sem", "Daan"]}
    forget_pupil(pupil.pk)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert details_of([entry])[entry.pk] is None  # the values cannot be read any more
    assert entry.field_list == ["voornaam"] and entry.pupil_id == pupil.pk  # who changed which field, and when


def test_a_task_records_as_the_system_or_as_the_user_it_works_for(demo):
    pupil = PupilFactory()
    with acting_as("mbo-terugkoppeling", screen="task:feedback"):
        entry = record_change(pupil, changes={"status": (None, "Intakegesprek")})
    assert (entry.actor_name, entry.screen, entry.actor_id) == ("mbo-terugkoppeling", "task:feedback", None)
    with acting_as("", screen="students:export", user=demo["decaan.vo1"]):
        entry = record_change(pupil, changes={"x": (None, "y")})
    assert entry.actor_id == demo["decaan.vo1"].pk


# --- account events -----------------------------------------------------------------------------------------
def test_login_logout_and_a_failed_login_are_recorded(client, demo, demo_pw):
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": "fout-wachtwoord-1"})
    client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": demo_pw})
    client.post(reverse("accounts:logout"))
    actions = [e.action for e in AuditEntry.objects.order_by("pk")]
    assert actions == [Action.LOGIN_FAILED, Action.LOGIN, Action.LOGOUT]
    failed = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
    assert failed.actor_name == "decaan.vo1" and failed.actor_id is None


def test_a_failed_login_never_records_what_looks_like_a_password_or_number(client, demo):
    client.post(reverse("accounts:login"), {"username": "123456782", "password": "x"})
    client.post(reverse("accounts:login"), {"username": "mijn geheime zin", "password": "x"})
    assert {e.actor_name for e in entries(action=Action.LOGIN_FAILED)} == {"(onleesbare loginnaam)"}


def test_a_lockout_is_recorded(client, demo):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "decaan.vo1", "password": "fout-wachtwoord-1"})
    assert entries(action=Action.LOCKOUT)[0].actor_name == "decaan.vo1"


def test_a_password_change_is_recorded(decaan_client, decaan, demo_pw):
    response = decaan_client.post(
        reverse("accounts:change_password"),
        {"old_password": demo_pw, "new_password1": "Nieuw-wachtwoord-77", "new_password2": "Nieuw-wachtwoord-77"},
    )
    assert response.status_code == 302
    (entry,) = entries(action=Action.PASSWORD)
    assert entry.actor_id == decaan.pk and "Mijn profiel" in entry.summary


def test_a_permission_denial_is_recorded(client, demo):
    login_as(client, demo["mentor.vo1"])
    assert client.get(reverse("groups:index")).status_code == 403
    (entry,) = entries(action=Action.DENIED)
    assert entry.actor_id == demo["mentor.vo1"].pk and entry.screen == "groups:index"


# --- the doorstroomformulier and the mbo --------------------------------------------------------------------------
@pytest.fixture
def sent_form(demo, django_capture_on_commit_callbacks, eager):
    from doorstroom.services import approve
    from students.aanmeldingen import add_aanmelding
    from tests.doorstroom.helpers import complete_form
    from tests.factories import OpleidingFactory

    pupil = PupilFactory(school=demo["decaan.vo1"].organisation)
    add_aanmelding(pupil=pupil, opleiding=OpleidingFactory(school=demo["roc.mbo1"].organisation), source="feed")
    with django_capture_on_commit_callbacks(execute=True):
        approve(form=complete_form(pupil), by=demo["decaan.vo1"])
    return pupil


def test_the_roc_gebruiker_opening_a_received_form_is_recorded(client, demo, sent_form):
    login_as(client, demo["roc.mbo1"])
    assert client.get(reverse("doorstroom:ontvangen", args=[sent_form.pk])).status_code == 200
    (entry,) = entries(action=Action.VIEW, pupil_id=sent_form.pk)
    assert entry.actor_role == "roc" and entry.screen == "doorstroom:ontvangen"
    assert entry.actor_organisation_id == demo["roc.mbo1"].organisation_id


def test_approving_and_sending_a_form_are_in_the_log_of_its_pupil(sent_form):
    summaries = [e.summary for e in AuditEntry.objects.filter(pupil_id=sent_form.pk).order_by("pk")]
    assert any("geaccordeerd" in s for s in summaries) and any("verzonden" in s for s in summaries)


def test_saving_a_form_records_which_answers_changed_from_what_to_what(client, demo):
    from tests.doorstroom.conftest import posted

    pupil = PupilFactory(school=demo["decaan.vo1"].organisation)
    login_as(client, demo["decaan.vo1"])
    url = reverse("doorstroom:formulier", args=[pupil.pk])
    client.post(url, posted(pupil, "loopbaan", "opslaan", beroepswens="Verpleegkundige"))
    (entry,) = entries(action=Action.CHANGE, pupil_id=pupil.pk, summary__contains="opgeslagen")
    (values,) = details_of([entry]).values()
    assert list(values.values()) == [["", "Verpleegkundige"]] and "Beroepswens" in next(iter(values))


# --- a request that shows nothing records no view -----------------------------------------------------------------
@pytest.fixture
def applied_pupil(demo):
    """A pupil of VO1 with an aanmelding at roc.mbo1's school: in the scope of the school's staff and of the mbo."""
    from students.aanmeldingen import add_aanmelding
    from tests.factories import OpleidingFactory

    pupil = PupilFactory(school=demo["decaan.vo1"].organisation)
    add_aanmelding(pupil=pupil, opleiding=OpleidingFactory(school=demo["roc.mbo1"].organisation), source="feed")
    return pupil


@pytest.mark.parametrize(
    ("username", "name", "status"),
    [
        ("zorg.vo1", "students:bewerken", 403),  # in scope, may not edit
        ("zorg.vo1", "students:elders", 403),
        ("roc.mbo1", "students:leerling", 403),  # in scope as an applicant, not the school's page
        ("roc.mbo1", "doorstroom:bekijken", 403),  # the school's versions of the form
        ("mentor.vo1", "students:verwijderen", 403),
        ("decaan.vo1", "doorstroom:pdf", 404),  # no form yet: nothing to show
    ],
)
def test_a_request_answered_403_or_404_records_no_view(client, demo, applied_pupil, username, name, status):
    from groups.services import set_mentor_links
    from tests.factories import GroupFactory

    group = GroupFactory(school=applied_pupil.school)
    applied_pupil.group = group
    applied_pupil.save()
    set_mentor_links(school=applied_pupil.school, links={(group.pk, demo["mentor.vo1"].pk)})
    login_as(client, demo[username])
    before = AuditEntry.objects.count()
    assert client.get(reverse(name, args=[applied_pupil.pk])).status_code == status
    new = AuditEntry.objects.order_by("pk")[before:]
    assert [e.action for e in new] == ([Action.DENIED] if status == 403 else [])
    assert not entries(action=Action.VIEW, pupil_id=applied_pupil.pk)


def test_a_redirect_records_no_view_and_the_page_it_leads_to_does(client, demo, applied_pupil):
    """The zorgcoördinator opening the form to fill it in is sent on to reading it: one view, of the page read."""
    from doorstroom.models import Formulier
    from tests.doorstroom.helpers import make_form

    make_form(applied_pupil, answers={"beroepswens": "Kok"})
    Formulier.objects.filter(pupil=applied_pupil).update(state=Formulier.State.VERZONDEN)
    login_as(client, demo["zorg.vo1"])
    response = client.get(reverse("doorstroom:formulier", args=[applied_pupil.pk]), follow=True)
    assert [url for url, _status in response.redirect_chain] == [
        reverse("doorstroom:bekijken", args=[applied_pupil.pk])
    ]
    assert [e.screen for e in entries(action=Action.VIEW, pupil_id=applied_pupil.pk)] == ["doorstroom:bekijken"]


def test_deleting_a_pupils_record_in_admin_is_a_change_of_that_pupil(servicedesk_client, demo):
    from notifications.models import Melding, MeldingKind
    from notifications.services import notify

    pupil = PupilFactory(school=demo["decaan.vo1"].organisation)
    melding = notify(organisation=pupil.school, kind=MeldingKind.STATUS, text="Nieuwe status", pupil=pupil)
    url = reverse("admin:notifications_melding_delete", args=[melding.pk])
    assert servicedesk_client.post(url, {"post": "yes"}).status_code == 302
    assert not Melding.objects.filter(pk=melding.pk).exists()
    (entry,) = entries(action=Action.CHANGE, pupil_id=pupil.pk)
    assert entry.actor_role == "servicedesk" and entry.field_list == ["melding"]
    assert details_of([entry])[entry.pk] == {"melding": [str(melding), ""]}
