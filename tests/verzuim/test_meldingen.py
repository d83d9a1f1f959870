"""Opvoeren verzuim, raadplegen/wijzigen, intrekken and the gemeente's statuses (DUO verzuimloket seed)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from notifications.selectors import meldingen_visible_to
from students.bsn import decrypt
from tests.conftest import bsn_like_numbers, login_as
from verzuim.models import Change, Status, VerzuimMelding
from verzuim.services import check_data, report, set_status, withdraw

from .conftest import DELFT, pdf, posted

pytestmark = pytest.mark.django_db


def new_url(pupil) -> str:
    return reverse("verzuim:nieuw", args=[pupil.pk])


@pytest.mark.parametrize(
    ("soort", "eind_required"),
    [("16uur", True), ("luxe", True), ("langdurig", False), ("signaal", False), ("rmc", False)],
)
def test_the_end_of_the_period_is_required_for_the_kinds_that_have_one(orgs, data, soort, eind_required):
    values = {**data, "soort": soort, "eind": None}
    if eind_required:
        with pytest.raises(ValidationError) as refused:
            check_data(school=orgs["00AA"], data=values)
        assert refused.value.message_dict == {"eind": ["Bij deze soort verzuim hoort een einddatum."]}
    else:
        assert check_data(school=orgs["00AA"], data=values)["eind"] is None


def test_every_required_field_says_so_in_dutch(client, demo, resident, locatie):
    pupil = resident()
    login_as(client, demo["decaan.vo1"])
    page = client.post(new_url(pupil), {"alle_lessen_gemist": "nee", "actie_gewenst": "ja"})
    errors = page.context["form"].errors
    for field in ("soort", "reden", "begin", "locatie"):
        assert errors[field] == ["Vul dit veld in."], field
    assert "Velden met * zijn verplicht." in page.content.decode()
    assert not VerzuimMelding.objects.exists()


def test_rules_between_fields(orgs, data, locatie):
    school = orgs["00AA"]
    checks = {
        "eind": {**data, "eind": data["begin"] - datetime.timedelta(days=1)},
        "toelichting": {**data, "reden": "anders", "toelichting": " "},
        "toelichting_actie": {**data, "actie_gewenst": True, "toelichting_actie": ""},
        "melder_naam": {**data, "melder_naam": ""},
        "begin": {
            **data,
            "begin": datetime.date.today() + datetime.timedelta(days=3),
            "eind": None,
            "soort": "signaal",
        },
    }
    for field, values in checks.items():
        with pytest.raises(ValidationError) as refused:
            check_data(school=school, data=values)
        assert field in refused.value.message_dict, field
    from verzuim.models import Locatie

    other = Locatie.objects.create(school=orgs["00BB"], name="Elders")
    with pytest.raises(ValidationError, match="locatie van uw school"):
        check_data(school=school, data={**data, "locatie": other})
    # A BSN typed as the school's leerlingnummer is refused (also one that lost its leading zero).
    for number in ("111222333", "12345672"):
        with pytest.raises(ValidationError, match="lijkt een BSN"):
            check_data(school=school, data={**data, "leerlingnummer": number})


def test_opvoeren_gives_a_meldingsnummer_and_tells_the_gemeente(
    client, demo, resident, data, melder, queued_mail, committed
):
    pupil = resident()
    login_as(client, demo["decaan.vo1"])
    values = posted({**data, "melder": melder, "melder_naam": "", "melder_functie": ""})
    response = committed(client.post, new_url(pupil), {**values, "bijlagen": [pdf()]})
    melding = VerzuimMelding.objects.get()
    assert response.status_code == 302 and response.url == reverse("verzuim:melding", args=[melding.pk])
    assert melding.meldingsnummer >= 1 and melding.gemeente.code == "GM0518"
    assert (melding.melder_naam, melding.melder_functie) == ("Karin Mulder", "verzuimcoördinator")
    assert melding.leerlingnummer == "45872" and melding.bijlagen.count() == 1
    assert meldingen_visible_to(demo["gemeente.denhaag"]).filter(pupil=pupil, link__contains=str(melding.pk)).exists()
    [message] = mail.outbox
    assert (
        message.subject == "Nieuwe melding 16 uur ongeoorloofd verzuim in 4 weken door VO1 – Haagse Scholengemeenschap"
    )
    body = message.body
    assert str(melding.meldingsnummer) in body and "spijbelen" not in body.lower()
    assert pupil.achternaam not in body and decrypt(pupil.bsn_encrypted) not in body and not bsn_like_numbers(body)


def test_meldingsnummers_are_unique_and_consecutive(demo, resident, data):
    numbers = [report(pupil=resident(), by=demo["decaan.vo1"], data=data).meldingsnummer for _ in range(3)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_the_school_changes_its_melding_only_while_geregistreerd(client, demo, resident, data, queued_mail, committed):
    pupil = resident()
    melding = report(pupil=pupil, by=demo["decaan.vo1"], data=data)
    mail.outbox.clear()
    login_as(client, demo["zorg.vo1"])
    edit = reverse("verzuim:wijzigen", args=[melding.pk])
    values = posted({**data, "toelichting": "Ook na de vakantie afwezig.", "eind": datetime.date(2026, 11, 28)})
    response = committed(client.post, edit, values)
    assert response.status_code == 302
    melding.refresh_from_db()
    assert melding.toelichting == "Ook na de vakantie afwezig." and melding.eind == datetime.date(2026, 11, 28)
    [change] = Change.objects.filter(melding=melding)
    assert change.fields["eind verzuim"] == ["27-11-2026", "28-11-2026"]
    # The change mail, in the verzuimloket's wording, once, after the commit.
    [message] = mail.outbox
    assert (
        message.subject
        == "Melding 16 uur ongeoorloofd verzuim in 4 weken door VO1 – Haagse Scholengemeenschap is gewijzigd"
    )
    assert f"meldingsnummer {melding.meldingsnummer}" in message.body and not bsn_like_numbers(message.body)
    # Once the gemeente handles it, the school cannot change it any more.
    set_status(melding=melding, by=demo["gemeente.denhaag"], status=Status.IN_BEHANDELING, note="")
    assert client.get(edit).status_code == 403
    assert client.post(edit, {**values, "toelichting": "Nog eens."}).status_code == 403
    melding.refresh_from_db()
    assert melding.toelichting == "Ook na de vakantie afwezig."


def test_withdrawal_with_a_reason_and_the_gemeentes_statuses(client, demo, resident, data):
    pupil = resident()
    melding = report(pupil=pupil, by=demo["decaan.vo1"], data=data)
    officer = demo["gemeente.denhaag"]
    login_as(client, officer)
    status_url = reverse("verzuim:status", args=[melding.pk])
    client.post(status_url, {"status": "in_behandeling", "note": "Ouders uitgenodigd."})
    melding.refresh_from_db()
    assert melding.status == Status.IN_BEHANDELING
    # Not back to registered, and a school cannot set the gemeente's statuses.
    assert client.post(status_url, {"status": "geregistreerd"}).context["status_form"].errors
    login_as(client, demo["decaan.vo1"])
    assert client.post(status_url, {"status": "afgesloten"}).status_code == 403
    page = client.get(reverse("verzuim:melding", args=[melding.pk])).content.decode()
    assert "Ouders uitgenodigd." in page  # the gemeente's note is for the school
    assert meldingen_visible_to(demo["decaan.vo1"]).filter(pupil=pupil, text__contains="In behandeling").exists()
    with pytest.raises(ValidationError):
        withdraw(melding=melding, by=demo["decaan.vo1"], reason="")
    withdraw(melding=melding, by=demo["decaan.vo1"], reason="Bleek geoorloofd.")
    melding.refresh_from_db()
    assert melding.status == Status.INGETROKKEN and melding.closed_at is not None
    assert [h.status for h in melding.history.all()] == ["geregistreerd", "in_behandeling", "ingetrokken"]
    with pytest.raises(ValidationError):
        set_status(melding=melding, by=officer, status=Status.AFGESLOTEN)


def test_a_delft_officer_gets_404_on_a_den_haag_pupils_melding(client, demo, resident, data):
    melding = report(pupil=resident(), by=demo["decaan.vo1"], data=data)
    login_as(client, demo["gemeente.delft"])
    for name in ("verzuim:melding", "verzuim:pdf", "verzuim:wijzigen"):
        assert client.get(reverse(name, args=[melding.pk])).status_code == 404, name
    assert client.post(reverse("verzuim:status", args=[melding.pk]), {"status": "afgesloten"}).status_code == 404
    assert client.get(reverse("verzuim:lijst")).context["page"].paginator.count == 0


def test_a_mentor_reads_the_meldingen_of_their_groups_and_reports_only_with_the_right(
    client, demo, resident, data, orgs
):
    from accounts.services import set_verzuimmelder

    own = resident()  # in mentor.vo1's group
    other = resident(group=None)
    for pupil in (own, other):
        report(pupil=pupil, by=demo["decaan.vo1"], data=data)
    mentor = demo["mentor.vo1"]
    login_as(client, mentor)
    rows = client.get(reverse("verzuim:lijst")).context["page"].object_list
    assert [m.pupil for m in rows] == [own]
    assert client.get(new_url(own)).status_code == 403
    set_verzuimmelder(actor=demo["beheerder.vo1"], user=mentor, allowed=True)
    mentor.refresh_from_db()
    assert client.get(new_url(own)).status_code == 200


def test_no_gemeente_for_the_address_no_melding(client, demo, resident, data):
    pupil = resident(postcode="9711 AB")
    with pytest.raises(ValidationError, match="niet in een gemeente van de regio"):
        report(pupil=pupil, by=demo["decaan.vo1"], data=data)
    login_as(client, demo["decaan.vo1"])
    assert 'data-testid="no-gemeente"' in client.get(new_url(pupil)).content.decode()


def test_attachments_are_checked_pdfs_at_most_three(client, demo, resident, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pupil = resident()
    login_as(client, demo["decaan.vo1"])
    fake = SimpleUploadedFile("overzicht.pdf", b"not a pdf", "application/pdf")
    page = client.post(new_url(pupil), {**posted(data), "bijlagen": [fake]})
    assert "is geen pdf-bestand" in page.content.decode() and not VerzuimMelding.objects.exists()
    # The same check as the doorstroomformulier's (tests/doorstroom/test_pdf_check.py): a PDF that is also HTML.
    polyglot = SimpleUploadedFile("overzicht.pdf", pdf().read() + b"<html><script>alert(1)</script>", "application/pdf")
    page = client.post(new_url(pupil), {**posted(data), "bijlagen": [polyglot]})
    assert "is tegelijk een ander soort bestand (HTML of ZIP)" in page.content.decode()
    assert not VerzuimMelding.objects.exists()
    page = client.post(new_url(pupil), {**posted(data), "bijlagen": [pdf(f"{n}.pdf") for n in range(4)]})
    assert "Ten hoogste 3 bijlagen" in page.content.decode() and not VerzuimMelding.objects.exists()
    client.post(new_url(pupil), {**posted(data), "bijlagen": [pdf("a.pdf"), pdf("b.pdf", "Ander")]})
    melding = VerzuimMelding.objects.get()
    assert sorted(b.name for b in melding.bijlagen.all()) == ["a.pdf", "b.pdf"]
    login_as(client, demo["gemeente.denhaag"])
    download = client.get(reverse("verzuim:bijlage", args=[melding.bijlagen.first().pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_list_filters_and_exports_to_excel_without_bsn(client, demo, resident, data, orgs):
    first = report(pupil=resident(achternaam="Aarts"), by=demo["decaan.vo1"], data=data)
    report(pupil=resident(achternaam="Bos"), by=demo["decaan.vo1"], data={**data, "soort": "signaal", "eind": None})
    report(pupil=resident("00BB", achternaam="Claes"), by=demo["decaan.vo2"], data=_vo2(data, orgs))
    set_status(melding=first, by=demo["gemeente.denhaag"], status=Status.IN_BEHANDELING)
    login_as(client, demo["gemeente.denhaag"])

    def listed(query: str) -> list[str]:
        page = client.get(f"{reverse('verzuim:lijst')}?{query}").context["page"]
        return [m.pupil.achternaam for m in page.object_list]

    assert sorted(listed("")) == ["Aarts", "Bos", "Claes"]
    assert listed("status=in_behandeling") == ["Aarts"]
    assert listed("soort=signaal") == ["Bos"]
    assert listed(f"school={orgs['00BB'].pk}") == ["Claes"]
    assert listed("van=2026-12-01") == []
    response = client.get(reverse("verzuim:export") + "?soort=16uur")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[3]
    assert {"Meldingsnummer", "Leerlingnummer", "Locatie", "Begin verzuim", "Status sinds"} <= set(header)
    assert sorted(r[header.index("Achternaam")] for r in rows[4:]) == ["Aarts", "Claes"]
    assert not bsn_like_numbers(str(rows))


def _vo2(data, orgs):
    from verzuim.models import Locatie

    return {**data, "locatie": Locatie.objects.create(school=orgs["00BB"], name="Delft Centrum")}


def test_one_melding_as_pdf_the_digital_archive(client, demo, resident, data):
    pupil = resident()
    melding = report(pupil=pupil, by=demo["decaan.vo1"], data=data)
    set_status(melding=melding, by=demo["gemeente.denhaag"], status=Status.AFGESLOTEN, note="Proces-verbaal.")
    login_as(client, demo["decaan.vo1"])
    response = client.get(reverse("verzuim:pdf", args=[melding.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for words in (
        f"Verzuimmelding {melding.meldingsnummer}",
        pupil.achternaam,
        "Hoofdgebouw",
        "Proces-verbaal.",
        "Afgesloten",
    ):
        assert words in text, words
    assert decrypt(pupil.bsn_encrypted) not in text


def test_a_pupil_who_moves_takes_no_melding_to_the_new_gemeente(client, demo, resident, data):
    pupil = resident()
    melding = report(pupil=pupil, by=demo["decaan.vo1"], data=data)
    pupil.postcode = DELFT
    pupil.save()
    login_as(client, demo["gemeente.delft"])
    assert client.get(reverse("verzuim:melding", args=[melding.pk])).status_code == 404


def test_the_list_keeps_a_fixed_number_of_queries(client, demo, resident, data, django_assert_num_queries):
    from tests.conftest import session_queries

    def add(count):
        for _n in range(count):
            report(pupil=resident(), by=demo["decaan.vo1"], data=data)

    add(2)
    for user in ("decaan.vo1", "gemeente.denhaag"):
        login_as(client, demo[user])
        client.get(reverse("verzuim:lijst"))
    # (session,) user, organisation (header), the page's count, the meldingen with pupil, school, group, gemeente,
    # locatie and melder, their status history, their changes, their attachments, (the gemeente: the schools for the
    # filter,) the audit log's line.
    expected = {"decaan.vo1": session_queries() + 8, "gemeente.denhaag": session_queries() + 9}
    sizes = {}
    for more in (0, 30):
        add(more)
        for user, queries in expected.items():
            login_as(client, demo[user])
            with django_assert_num_queries(queries):
                sizes[(user, more)] = len(client.get(reverse("verzuim:lijst")).context["page"].object_list)
    assert sizes == {
        ("decaan.vo1", 0): 2,
        ("gemeente.denhaag", 0): 2,
        ("decaan.vo1", 30): 32,
        ("gemeente.denhaag", 30): 32,
    }


def test_the_form_starts_with_the_user_as_melder_and_the_schools_leerlingnummer(client, demo, resident):
    pupil = resident(leerlingnummer="45872")
    login_as(client, demo["decaan.vo1"])
    form = client.get(new_url(pupil)).context["form"]
    assert form["leerlingnummer"].value() == "45872"
    assert form["melder_naam"].value() == demo["decaan.vo1"].full_name


def test_a_double_submit_makes_one_melding(client, demo, resident, data):
    pupil = resident()
    login_as(client, demo["decaan.vo1"])
    first = client.post(new_url(pupil), posted(data))
    second = client.post(new_url(pupil), posted(data))
    melding = VerzuimMelding.objects.get()
    assert first.url == second.url == reverse("verzuim:melding", args=[melding.pk])
    # Another period for the same pupil is another melding.
    client.post(
        new_url(pupil), posted({**data, "begin": datetime.date(2026, 10, 5), "eind": datetime.date(2026, 10, 30)})
    )
    assert VerzuimMelding.objects.count() == 2


def test_two_people_changing_one_melding_at_once_the_second_is_told_and_loses_nothing(client, demo, resident, data):
    from django.test import Client

    melding = report(pupil=resident(), by=demo["decaan.vo1"], data=data)
    edit = reverse("verzuim:wijzigen", args=[melding.pk])
    login_as(client, demo["zorg.vo1"])  # A
    a_version = client.get(edit).context["form"]["versie"].value()
    b = Client()
    login_as(b, demo["decaan.vo1"])  # B changes the end date
    b_version = b.get(edit).context["form"]["versie"].value()
    b.post(edit, {**posted({**data, "eind": datetime.date(2026, 11, 28)}), "versie": b_version})

    # A, on the page opened before, changes the toelichting (and still shows the old end date).
    refused = client.post(edit, {**posted({**data, "toelichting": "Ziek gemeld."}), "versie": a_version})
    page = refused.content.decode()
    assert "Iemand anders heeft deze gegevens gewijzigd" in page and "Ziek gemeld." in page
    melding.refresh_from_db()
    assert (melding.eind, melding.toelichting) == (datetime.date(2026, 11, 28), "")  # B's change stands
    again = refused.context["form"]["versie"].value()
    client.post(
        edit, {**posted({**data, "eind": datetime.date(2026, 11, 28), "toelichting": "Ziek gemeld."}), "versie": again}
    )
    melding.refresh_from_db()
    assert (melding.eind, melding.toelichting) == (datetime.date(2026, 11, 28), "Ziek gemeld.")
