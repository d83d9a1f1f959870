"""Django's admin history (django_admin_log) keeps no pupil's name, is part of the inzage and goes with the pupil."""

import io
import json
import zipfile

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from notifications.models import Melding, MeldingKind
from notifications.services import notify
from students.models import Pupil
from students.privacy import remove_pupil_completely
from tests.factories import PupilFactory
from tests.students.helpers import admin_pupil_data

pytestmark = pytest.mark.django_db

NAMES = ("Sanne", "Dekker")


def history_text() -> str:
    return json.dumps([(e.object_repr, e.change_message) for e in LogEntry.objects.all()])


def change_form_data(client, url: str) -> dict:
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    return data | {"geboortedatum": "2010-05-17", "school_links-TOTAL_FORMS": "0", "school_links-INITIAL_FORMS": "0"}


def test_the_admin_history_names_a_pupils_records_by_kind_and_number(servicedesk_client, demo):
    school = demo["decaan.vo1"].organisation
    data = admin_pupil_data(school=school, voornaam="Sanne", achternaam="Dekker", geslacht="v")
    assert servicedesk_client.post(reverse("admin:students_pupil_add"), data).status_code == 302
    pupil = Pupil.objects.get(achternaam="Dekker")
    # A change with an inline: Django would name the link "Sanne Dekker → school" in the change message.
    url = reverse("admin:students_pupil_change", args=[pupil.pk])
    changed = change_form_data(servicedesk_client, url) | {
        "woonplaats": "Rijswijk",
        "school_links-TOTAL_FORMS": "1",
        "school_links-0-school": demo["decaan.vo2"].organisation.pk,
    }
    assert servicedesk_client.post(url, changed).status_code == 302
    # A melding about the pupil, deleted on its own page and (a second one) with the bulk action.
    first = notify(organisation=school, kind=MeldingKind.LEERLING, text="Sanne Dekker is ziek", pupil=pupil)
    second = notify(organisation=school, kind=MeldingKind.LEERLING, text="Sanne Dekker is beter", pupil=pupil)
    delete_url = reverse("admin:notifications_melding_delete", args=[first.pk])
    assert servicedesk_client.post(delete_url, {"post": "yes"}, follow=True).redirect_chain[0][1] == 302
    action = {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"}
    assert servicedesk_client.post(reverse("admin:notifications_melding_changelist"), action).status_code == 302
    assert not Melding.objects.exists()

    entries = list(LogEntry.objects.order_by("pk"))
    assert [(e.action_flag, e.object_repr) for e in entries] == [
        (1, f"leerling #{pupil.pk}"),
        (2, f"leerling #{pupil.pk}"),
        (3, f"melding #{first.pk}"),
        (3, f"melding #{second.pk}"),
    ]
    link = pupil.school_links.get()
    assert json.loads(entries[1].change_message)[-1]["added"]["object"] == f"koppeling met een andere school #{link.pk}"
    assert not any(name in history_text() for name in NAMES)
    # "Recente acties" on the admin's front page shows what the history holds.
    front = servicedesk_client.get(reverse("admin:index")).content.decode()
    assert f"leerling #{pupil.pk}" in front and not any(name in front for name in NAMES)


def old_style_history(user, *objects) -> None:
    """History as Django writes it by default (and as it was written before): the record's text."""
    LogEntry.objects.log_actions(user_id=user.pk, queryset=list(objects), action_flag=2, change_message="[]")


def test_the_history_is_in_the_inzage_and_goes_when_the_pupil_is_removed(servicedesk_client, demo):
    school = demo["decaan.vo1"].organisation
    pupil = PupilFactory(school=school, voornaam="Sanne", achternaam="Dekker")
    melding = notify(organisation=school, kind=MeldingKind.LEERLING, text="Over Sanne Dekker", pupil=pupil)
    other = PupilFactory(school=school, voornaam="Blijft", achternaam="Staan")
    old_style_history(demo["servicedesk"], pupil, melding, other)

    response = servicedesk_client.get(reverse("admin:students_pupil_inzage", args=[pupil.pk]))
    inzage = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("inzage.json"))
    assert sorted(row["gegeven"] for row in inzage["beheer"]) == ["Over Sanne Dekker", "Sanne Dekker"]

    remove_pupil_completely(pupil=pupil, reason="avg", by=demo["servicedesk"])
    assert [e.object_repr for e in LogEntry.objects.all()] == ["Blijft Staan"]


def test_the_retention_period_takes_the_history_along(demo):
    pupil = PupilFactory(school=demo["decaan.vo1"].organisation, voornaam="Sanne", achternaam="Dekker")
    old_style_history(demo["servicedesk"], pupil)
    remove_pupil_completely(pupil=pupil, reason="retention")
    assert not LogEntry.objects.exists()


def test_history_written_before_is_pseudonymised_once(demo):
    from importlib import import_module

    from django.apps import apps

    pupil = PupilFactory(school=demo["decaan.vo1"].organisation, voornaam="Sanne", achternaam="Dekker")
    LogEntry.objects.log_actions(
        user_id=demo["servicedesk"].pk,
        queryset=[pupil],
        action_flag=2,
        change_message=json.dumps([{"added": {"name": "koppeling", "object": "Sanne Dekker → Tweede School"}}]),
    )
    old_style_history(demo["servicedesk"], demo["decaan.vo1"].organisation)  # not a pupil's record: stays as it is
    import_module("students.migrations.0005_pseudonymise_admin_history").pseudonymise(apps, None)
    assert not any(name in history_text() for name in NAMES)
    assert LogEntry.objects.get(object_id=str(pupil.pk), content_type__model="pupil").object_repr == (
        f"leerling #{pupil.pk}"
    )
    assert LogEntry.objects.filter(object_repr=str(demo["decaan.vo1"].organisation)).exists()
