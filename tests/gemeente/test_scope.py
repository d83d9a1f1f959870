"""The gemeente's branch of the one access rule: the pupils whose address lies in the gemeente, at any school."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEntry
from gemeente.listing import ResidentListing
from gemeente.services import add_remark
from students.schoolyear import current_school_year
from students.selectors import pupils_visible_to
from tests.conftest import login_as

from .conftest import DELFT, DEN_HAAG

pytestmark = pytest.mark.django_db


def test_den_haag_sees_its_residents_at_both_schools_and_not_a_delft_pupil(client, demo, resident):
    vo1_haag, vo2_haag, vo1_delft = resident("00AA", DEN_HAAG), resident("00BB", DEN_HAAG), resident("00AA", DELFT)
    denhaag = demo["gemeente.denhaag"]
    assert set(pupils_visible_to(denhaag)) == {vo1_haag, vo2_haag}
    assert set(pupils_visible_to(demo["gemeente.delft"])) == {vo1_delft}
    login_as(client, denhaag)
    assert client.get(reverse("students:leerling", args=[vo1_haag.pk])).status_code == 200
    assert client.get(reverse("students:leerling", args=[vo2_haag.pk])).status_code == 200
    assert client.get(reverse("students:leerling", args=[vo1_delft.pk])).status_code == 404
    listed = {row.pupil for row in client.get(reverse("gemeente:leerlingen")).context["rows"]}
    assert listed == {vo1_haag, vo2_haag}


def test_this_year_and_oud_leerlingen_but_not_older(client, demo, resident):
    now = resident()
    former = resident(school_year=current_school_year() - 1)
    older = resident(school_year=current_school_year() - 2)
    denhaag = demo["gemeente.denhaag"]
    assert set(pupils_visible_to(denhaag)) == {now, former}
    login_as(client, denhaag)
    assert [r.pupil for r in client.get(reverse("gemeente:leerlingen")).context["rows"]] == [now]
    assert [r.pupil for r in client.get(reverse("gemeente:leerlingen") + "?jaar=vorig").context["rows"]] == [former]
    assert client.get(reverse("students:leerling", args=[older.pk])).status_code == 404


def test_a_pupil_who_moves_leaves_the_old_gemeente_and_what_it_wrote_stays_with_it(client, demo, resident):
    pupil = resident(postcode=DEN_HAAG)
    denhaag, delft = demo["gemeente.denhaag"], demo["gemeente.delft"]
    remark = add_remark(pupil=pupil, by=denhaag, text="Gesprek gehad met moeder.")
    assert pupil in ResidentListing(user=denhaag, params={}).pupils()

    pupil.postcode = DELFT
    pupil.save()

    assert pupil not in ResidentListing(user=denhaag, params={}).pupils()
    assert pupil in ResidentListing(user=delft, params={}).pupils()
    login_as(client, denhaag)
    assert client.get(reverse("students:leerling", args=[pupil.pk])).status_code == 404
    # Den Haag's remark is kept for Den Haag (and the school), not passed on to Delft.
    login_as(client, delft)
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert "Gesprek gehad met moeder." not in page
    assert remark.gemeente.code == "GM0518"
    login_as(client, demo["decaan.vo1"])
    assert "Gesprek gehad met moeder." in client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()


def test_a_postcode_outside_the_region_is_in_no_gemeente(demo, resident):
    pupil = resident(postcode="9711 AB")  # Groningen
    assert not any(pupil in pupils_visible_to(demo[u]) for u in ("gemeente.denhaag", "gemeente.delft"))


def test_the_pupils_page_is_read_only_for_the_gemeente_and_hides_the_care_steps(client, demo, resident):
    from tests.doorstroom.helpers import make_form

    pupil = resident()
    make_form(pupil, answers={"beroepswens": "Kok"})
    login_as(client, demo["gemeente.denhaag"])
    page = client.get(reverse("students:leerling", args=[pupil.pk]))
    html = page.content.decode()
    assert page.context["rights"].can_edit is False
    assert 'data-testid="read-only"' in html
    for name in ("students:bewerken", "doorstroom:formulier", "doorstroom:bekijken", "students:elders"):
        assert reverse(name, args=[pupil.pk]) not in html
    assert "Kok" not in html  # nothing of the form's content


def test_the_gemeente_changes_no_pupil_data_aanmelding_form_or_group(client, demo, resident, group):
    from students.aanmeldingen import add_aanmelding
    from tests.doorstroom.helpers import make_form
    from tests.factories import OpleidingFactory

    pupil = resident()
    aanmelding = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory())
    make_form(pupil, answers={"beroepswens": "Kok"})
    login_as(client, demo["gemeente.denhaag"])
    posts = [
        (reverse("students:bewerken", args=[pupil.pk]), {"voornaam": "X"}),
        (reverse("students:diploma", args=[pupil.pk]), {"diploma": "ja"}),
        (reverse("students:elders", args=[pupil.pk]), {"kind": "werk", "date": "2026-10-01"}),
        (reverse("students:extra_aandacht", args=[pupil.pk]), {"extra_aandacht": "X"}),
        (reverse("students:aanmelding_toevoegen", args=[pupil.pk]), {}),
        (reverse("students:status_bijwerken", args=[aanmelding.pk]), {"status": 3}),
        (reverse("students:aanmelding_verwijderen", args=[aanmelding.pk]), {}),
        (reverse("doorstroom:formulier", args=[pupil.pk]), {"actie": "opslaan"}),
        (reverse("doorstroom:accorderen", args=[pupil.pk]), {}),
        (reverse("students:verwijderen", args=[pupil.pk]), {}),
        (reverse("groups:members", args=[group.pk]), {"leerlingen": [pupil.pk]}),
        (reverse("groups:rename", args=[group.pk]), {"name": "X"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    pupil.refresh_from_db()
    assert pupil.voornaam != "X" and pupil.diploma is None and not pupil.extra_aandacht
    assert pupil.aanmeldingen.count() == 1 and not pupil.elders.exists()


def test_every_view_by_a_gemeente_user_is_in_the_audit_log(client, demo, resident):
    pupil = resident()
    user = demo["gemeente.denhaag"]
    login_as(client, user)
    client.get(reverse("students:leerling", args=[pupil.pk]))
    assert AuditEntry.objects.filter(action=Action.VIEW, pupil_id=pupil.pk, actor_id=user.pk).exists()
    client.get(reverse("gemeente:leerlingen"))
    listed = AuditEntry.objects.filter(action=Action.LIST, actor_id=user.pk).last()
    assert f" {pupil.pk} " in listed.subjects
    client.get(reverse("students:leerling", args=[resident(postcode=DELFT).pk]))
    assert AuditEntry.objects.filter(action=Action.OUT_OF_SCOPE, actor_id=user.pk).exists()
