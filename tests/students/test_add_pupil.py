"""Leerling toevoegen: BSN first, then the rest; "Geen BSN nummer?"; the BSN never shown again."""

import logging

import pytest
from django.urls import reverse

from students import bsn
from students.models import Pupil, Source
from tests.factories import OrganisationFactory, PupilFactory

ADD = reverse("students:toevoegen")
DATA = {
    "voornaam": "Sem",
    "tussenvoegsel": "de",
    "achternaam": "Vries",
    "geboortedatum": "2010-03-14",
    "geslacht": "m",
    "email": "sem.devries@example.com",
    "telefoon": "06-12345678",
    "straat": "Weimarstraat",
    "huisnummer": "12",
    "toevoeging": "",
    "postcode": "2562ab",
    "woonplaats": "Den Haag",
}


def step_one(client, value, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(ADD, {"stap": "bsn", "bsn": value}, headers=headers)


@pytest.mark.django_db
def test_the_pop_up_asks_the_bsn_first(decaan_client):
    html = decaan_client.get(ADD, headers={"HX-Request": "true"}).content.decode()
    assert 'name="bsn"' in html and "Ga verder" in html and "Geen BSN nummer?" in html
    assert 'name="voornaam"' not in html
    assert "<html" not in html  # the pop-up's content only


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Vul het BSN van de leerling in."),
        ("12345", "Een BSN bestaat uit 9 cijfers."),
        ("123456789", "voldoet niet aan de elfproef"),
        ("000000000", "voldoet niet aan de elfproef"),
    ],
)
def test_a_wrong_bsn_is_refused_under_the_field(decaan_client, value, message):
    html = step_one(decaan_client, value).content.decode()
    assert message in html
    assert 'name="voornaam"' not in html
    assert Pupil.objects.count() == 0


@pytest.mark.django_db
def test_a_new_bsn_opens_the_rest_and_saving_lands_on_the_pupils_page(decaan_client, decaan):
    html = step_one(decaan_client, "11122233 3").content.decode()
    assert 'name="voornaam"' in html and 'value="111222333"' in html  # eight or spaced digits normalised
    response = decaan_client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA}, headers={"HX-Request": "true"})
    pupil = Pupil.objects.get()
    assert response.headers["HX-Redirect"] == reverse("students:leerling", args=[pupil.pk])
    assert pupil.school == decaan.organisation and pupil.source == Source.SCHOOL and pupil.created_by == decaan
    assert pupil.postcode == "2562 AB" and pupil.full_name == "Sem de Vries"
    assert bsn.decrypt(pupil.bsn_encrypted) == "111222333"
    page = decaan_client.get(response.headers["HX-Redirect"]).content.decode()
    assert "Sem de Vries is toegevoegd." in page
    assert "111222333" not in page
    edit = decaan_client.get(reverse("students:bewerken", args=[pupil.pk])).content.decode()
    assert "111222333" not in edit
    overview = decaan_client.get(reverse("students:overzicht")).content.decode()
    assert "Vries, Sem de" in overview and "111222333" not in overview


@pytest.mark.django_db
def test_the_bsn_reaches_no_log_line(decaan_client, caplog):
    with caplog.at_level(logging.DEBUG):
        step_one(decaan_client, "111222333")
        decaan_client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA, "postcode": "fout"})
        decaan_client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA})
    assert Pupil.objects.count() == 1
    assert "111222333" not in caplog.text


@pytest.mark.django_db
def test_without_javascript_the_pop_up_is_a_page(decaan_client):
    response = step_one(decaan_client, "111222333", htmx=False)
    assert "<html" in response.content.decode() and 'name="voornaam"' in response.content.decode()
    response = decaan_client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA})
    assert response.status_code == 302 and response.url == reverse("students:leerling", args=[Pupil.objects.get().pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("voornaam", "", "Dit veld is verplicht."),
        ("achternaam", "  ", "Dit veld is verplicht."),
        ("postcode", "2562", "Vul een Nederlandse postcode in"),
        ("postcode", "2562 SS", "Vul een Nederlandse postcode in"),
        ("geboortedatum", "2099-01-01", "De geboortedatum moet in het verleden liggen."),
        ("geboortedatum", "14-13-2010", "Vul een geldige datum in"),
        ("email", "sem@", "Vul een geldig e-mailadres in"),
        ("telefoon", "bel me", "Vul een geldig telefoonnummer in"),
        ("telefoon", "123456782", "Een telefoonnummer heeft 10 cijfers"),  # a BSN in the wrong field
        ("telefoon", "070-123456", "Een telefoonnummer heeft 10 cijfers"),
        ("huisnummer", "12a", "een letter hoort bij de toevoeging"),
        ("geslacht", "", "Dit veld is verplicht."),
        ("woonplaats", "", "Dit veld is verplicht."),
    ],
)
def test_each_field_is_checked_with_a_dutch_message(decaan_client, field, value, message):
    response = decaan_client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA, field: value})
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert Pupil.objects.count() == 0
    # What was typed stays in the form.
    assert 'value="sem.devries@example.com"' in response.content.decode() or field == "email"


@pytest.mark.django_db
def test_tussenvoegsel_and_toevoeging_are_optional(decaan_client):
    decaan_client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA, "tussenvoegsel": "", "toevoeging": ""})
    assert Pupil.objects.get().tussenvoegsel == ""


@pytest.mark.django_db
def test_a_pupil_already_in_the_own_list_is_named_under_the_field(decaan_client, decaan):
    existing = PupilFactory(school=decaan.organisation, bsn="111222333", voornaam="Noah", achternaam="Bakker")
    html = step_one(decaan_client, "111222333").content.decode()
    assert "Deze leerling staat al in uw lijst" in html and "Noah Bakker" in html
    assert reverse("students:leerling", args=[existing.pk]) in html
    assert 'name="voornaam"' not in html
    # Even when step 2 is posted directly, no second record appears.
    decaan_client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA})
    assert Pupil.objects.count() == 1


@pytest.mark.django_db
def test_a_pupil_at_another_school_points_to_the_servicedesk(decaan_client):
    other = PupilFactory(school=OrganisationFactory(name="Andere School"), bsn="111222333", voornaam="Geheim")
    html = step_one(decaan_client, "111222333").content.decode()
    assert "staat ingeschreven bij een andere school" in html and "Servicedesk" in html
    assert "Andere School" not in html and "Geheim" not in html  # nothing of the other school's pupil
    assert reverse("students:leerling", args=[other.pk]) not in html
    decaan_client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA})
    assert Pupil.objects.count() == 1


@pytest.mark.django_db
def test_geen_bsn_nummer_gives_a_unique_code_and_a_marker(decaan_client):
    html = decaan_client.get(ADD, {"geen_bsn": "1"}, headers={"HX-Request": "true"}).content.decode()
    assert "geen BSN nummer" in html and 'name="bsn"' not in html and 'name="voornaam"' in html
    for n in range(2):
        decaan_client.post(ADD, {"stap": "gegevens", "geen_bsn": "1", **DATA, "email": f"x{n}@example.com"})
    codes = list(Pupil.objects.values_list("no_bsn_code", flat=True))
    assert len(codes) == 2 and len(set(codes)) == 2 and all(c.startswith("GB") and len(c) == 9 for c in codes)
    assert not any(bsn.passes_elfproef(c) for c in codes)
    assert all(p.bsn_index is None and p.bsn_encrypted == "" for p in Pupil.objects.all())
    overview = decaan_client.get(reverse("students:overzicht")).content.decode()
    assert overview.count('data-testid="no-bsn"') == 2


@pytest.mark.django_db
def test_a_bsn_can_be_added_later_to_a_pupil_without_one(decaan_client, decaan):
    pupil = PupilFactory(school=decaan.organisation, bsn=None)
    data = {f: getattr(pupil, f) for f in DATA} | {"geboortedatum": "2010-05-17", "bsn": "123456782"}
    decaan_client.post(reverse("students:bewerken", args=[pupil.pk]), data)
    pupil.refresh_from_db()
    assert pupil.has_bsn and pupil.no_bsn_code is None and bsn.decrypt(pupil.bsn_encrypted) == "123456782"


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["mentor.vo1", "zorg.vo1"])
def test_only_decanen_add_pupils(client, demo, username):
    client.force_login(demo[username])
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"stap": "gegevens", "bsn": "111222333", **DATA}).status_code == 403
    assert Pupil.objects.count() == 0
    assert "Leerling toevoegen" not in client.get(reverse("students:overzicht")).content.decode()
