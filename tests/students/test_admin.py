"""The servicedesk in admin: finds a pupil (also by full BSN), links it to a second school, never sees a BSN."""

import pytest
from django.urls import reverse

from students import bsn
from students.models import Pupil, SchoolLink, Source
from tests.factories import PupilFactory
from tests.students.helpers import admin_pupil_data

CHANGELIST = reverse("admin:students_pupil_changelist")


@pytest.mark.django_db
def test_the_list_and_the_form_show_no_bsn(servicedesk_client):
    pupil = PupilFactory(bsn="111222333", achternaam="Zichtbaar")
    listing = servicedesk_client.get(CHANGELIST).content.decode()
    assert "Zichtbaar" in listing and "111222333" not in listing and pupil.bsn_index not in listing
    form = servicedesk_client.get(reverse("admin:students_pupil_change", args=[pupil.pk])).content.decode()
    assert "111222333" not in form and pupil.bsn_encrypted not in form and pupil.bsn_index not in form
    assert 'name="bsn"' not in form  # the BSN of an existing pupil cannot be read or overwritten here


@pytest.mark.django_db
def test_search_by_a_full_bsn_goes_through_the_blind_index(servicedesk_client):
    wanted = PupilFactory(bsn="111222333", achternaam="Gezocht")
    PupilFactory(bsn="123456782", achternaam="Ander")
    result = servicedesk_client.get(CHANGELIST, {"q": "11122233 3"}, follow=True)
    assert list(result.context["cl"].result_list) == [wanted]
    # The BSN does not stay in the address: it became a token whose session entry holds only its index.
    address = result.redirect_chain[-1][0]
    assert "111222333" not in address.replace(" ", "") and "?q=~" in address
    assert "111222333" not in str(dict(servicedesk_client.session)) and "111222333" not in result.content.decode()
    by_name = servicedesk_client.get(CHANGELIST, {"q": "Ander"}, follow=True)
    assert [p.achternaam for p in by_name.context["cl"].result_list] == ["Ander"]
    assert "Ander" not in by_name.redirect_chain[-1][0]  # a name searched for stays out of the address too
    assert 'value="Ander"' in by_name.content.decode()  # and the search box shows it again
    assert list(servicedesk_client.get(CHANGELIST, {"q": "111222334"}, follow=True).context["cl"].result_list) == []


@pytest.mark.django_db
def test_the_servicedesk_links_a_pupil_to_a_second_school(servicedesk_client, demo):
    pupil = PupilFactory(school=demo["decaan.vo1"].organisation)
    second = demo["decaan.vo2"].organisation
    url = reverse("admin:students_pupil_change", args=[pupil.pk])
    form = servicedesk_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"geboortedatum": "2010-05-17", "school": pupil.school_id, "school_year": pupil.school_year}
    data |= {
        "school_links-TOTAL_FORMS": "1",
        "school_links-INITIAL_FORMS": "0",
        "school_links-0-school": second.pk,
        "school_links-0-note": "Overgestapt na de herfstvakantie",
    }
    response = servicedesk_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    link = SchoolLink.objects.get()
    assert (link.pupil, link.school, link.created_by) == (pupil, second, demo["servicedesk"])


@pytest.mark.django_db
def test_the_servicedesk_adds_a_pupil_with_a_write_only_bsn(servicedesk_client, demo):
    school = demo["decaan.vo1"].organisation
    data = admin_pupil_data(school=school, voornaam="Via", achternaam="Servicedesk", bsn="123456782")
    assert servicedesk_client.post(reverse("admin:students_pupil_add"), data).status_code == 302
    pupil = Pupil.objects.get(achternaam="Servicedesk")
    assert pupil.source == Source.SERVICEDESK and bsn.decrypt(pupil.bsn_encrypted) == "123456782"
    # The same BSN twice at one school is refused with a message, not a crash.
    again = servicedesk_client.post(reverse("admin:students_pupil_add"), {**data, "achternaam": "Dubbel"})
    assert again.status_code == 200 and "staat al in de lijst" in again.content.decode()
    # ...and a school cannot delete what the servicedesk entered.
    from tests.conftest import login_as

    login_as(servicedesk_client, demo["decaan.vo1"])
    assert servicedesk_client.post(reverse("students:verwijderen", args=[pupil.pk])).status_code == 403


@pytest.mark.django_db
def test_every_private_admin_search_form_posts_with_a_csrf_token(servicedesk_client):
    import re

    from django.contrib import admin

    from accounts.admin_search import PrivateSearchAdmin

    private = [m for m, a in admin.site._registry.items() if isinstance(a, PrivateSearchAdmin) and a.search_fields]
    assert len(private) >= 8
    for model in private:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        html = servicedesk_client.get(url).content.decode()
        form = re.search(r'<form id="changelist-search" method="(\w+)".*?</form>', html, re.S)
        assert form and form.group(1) == "post", url
        assert 'name="csrfmiddlewaretoken"' in form.group(0), url


@pytest.mark.django_db
def test_a_bsn_searched_for_in_admin_never_reaches_an_address(demo):
    import re

    from django.test import Client

    from tests.conftest import login_as

    client = Client(enforce_csrf_checks=True)
    login_as(client, demo["servicedesk"])
    wanted = PupilFactory(bsn="111222333", achternaam="Gezocht")
    PupilFactory(bsn="123456782", achternaam="Ander", school_year=wanted.school_year)
    filtered = f"{CHANGELIST}?school_year__exact={wanted.school_year}"
    html = client.get(filtered).content.decode()
    token = re.search(r'<form id="changelist-search".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S)
    search = {"_search": "1", "q": "1112 22 333", "school_year__exact": str(wanted.school_year)}
    assert client.post(CHANGELIST, search).status_code == 403  # without the form's CSRF token: refused
    response = client.post(CHANGELIST, {**search, "csrfmiddlewaretoken": token.group(1)}, follow=True)
    assert list(response.context["cl"].result_list) == [wanted]
    addresses = [CHANGELIST, *(address for address, _status in response.redirect_chain)]
    assert not any("111222333" in a.replace(" ", "").replace("+", "") for a in addresses)
    assert f"school_year__exact={wanted.school_year}" in addresses[-1] and "q=~" in addresses[-1]  # the filter stays
    assert "111222333" not in str(dict(client.session)) and "111222333" not in response.content.decode()
    # An address typed with ?q= still works: moved to a token at once.
    typed = client.get(CHANGELIST, {"q": "Ander"}, follow=True)
    assert [p.achternaam for p in typed.context["cl"].result_list] == ["Ander"]
    assert "Ander" not in typed.redirect_chain[-1][0]
    # Emptying the search box shows the whole list again.
    cleared = client.post(CHANGELIST, {"_search": "1", "q": "", "csrfmiddlewaretoken": token.group(1)}, follow=True)
    assert len(cleared.context["cl"].result_list) == 2 and "q=" not in cleared.redirect_chain[-1][0]


@pytest.mark.django_db
def test_every_admin_search_keeps_a_bsn_only_as_its_index(servicedesk_client, demo):
    from students.aanmeldingen import add_aanmelding
    from tests.factories import OpleidingFactory

    pupil = PupilFactory(bsn="111222333", achternaam="Gezocht")
    opleiding = OpleidingFactory(school=demo["roc.mbo1"].organisation)
    wanted = add_aanmelding(pupil=pupil, opleiding=opleiding, source="feed")
    add_aanmelding(pupil=PupilFactory(achternaam="Ander"), opleiding=opleiding, source="feed")
    # A pupil's records (here: aanmeldingen) are found through the pupil's BSN index.
    found = servicedesk_client.get(reverse("admin:students_aanmelding_changelist"), {"q": "111 222 333"}, follow=True)
    assert list(found.context["cl"].result_list) == [wanted]
    # A list without BSNs (users) finds nothing, and keeps the number as its index too.
    users = servicedesk_client.get(reverse("admin:accounts_user_changelist"), {"q": "111222333"}, follow=True)
    assert list(users.context["cl"].result_list) == []
    for response in (found, users):
        assert "111222333" not in response.content.decode().replace(" ", "")
    assert "111222333" not in str(dict(servicedesk_client.session))
