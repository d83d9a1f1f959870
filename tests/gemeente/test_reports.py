"""De Overstap and the risicomelding (the handleiding's pop-up with Ja/Nee), the gemeente handling them, remarks,
and the mbo-school's niet verschenen."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gemeente.models import Case, CaseKind, CaseStatus, Contact, Remark
from gemeente.services import add_contact, add_remark, edit_remark, report_not_arrived, report_overstap, set_status
from notifications.models import Melding, OutgoingMail
from notifications.selectors import meldingen_visible_to
from students.bsn import passes_elfproef
from students.schoolyear import current_school_year
from tests.conftest import bsn_like_numbers, login_as

from .conftest import DELFT

pytestmark = pytest.mark.django_db


def popup(pupil) -> str:
    return reverse("gemeente:overstap", args=[pupil.pk])


def test_the_overstap_pop_up_ja_nee_and_annuleer(client, demo, resident):
    pupil = resident()
    login_as(client, demo["mentor.vo1"])
    first = client.get(popup(pupil)).content.decode()
    assert "Meld leerling aan" in first and "Gemeente Den Haag" in first
    # The gemeente must know why: without a remark no confirmation.
    empty = client.post(popup(pupil), {"stap": "bevestigen", "remark": " "}).content.decode()
    assert "Vul dit veld in." in empty and 'data-testid="confirm-yes"' not in empty
    # "Meld leerling aan": a confirmation with Ja and Nee; nothing is stored yet.
    confirm = client.post(popup(pupil), {"stap": "bevestigen", "remark": "Weinig steun thuis."}).content.decode()
    assert 'data-testid="confirm-yes"' in confirm and 'data-testid="confirm-no"' in confirm
    assert "Weinig steun thuis." in confirm and not Case.objects.exists()
    # Nee: back to the pop-up, the remark kept, nothing stored.
    back = client.post(popup(pupil), {"stap": "nee", "remark": "Weinig steun thuis."}).content.decode()
    assert "Weinig steun thuis.</textarea>" in back and 'data-testid="confirm-yes"' not in back
    assert not Case.objects.exists()
    # Annuleer or the cross send nothing: leaving the pop-up is just not posting.
    assert 'data-testid="cancel"' in back and not Case.objects.exists()
    # Ja: stored, with the remark, who and when.
    response = client.post(popup(pupil), {"stap": "ja", "remark": "Weinig steun thuis."})
    assert response.status_code == 302 and response.url == reverse("students:leerling", args=[pupil.pk])
    case = Case.objects.get()
    assert (case.kind, case.pupil, case.gemeente.code, case.remark) == (
        CaseKind.OVERSTAP,
        pupil,
        "GM0518",
        "Weinig steun thuis.",
    )
    assert case.reported_by == demo["mentor.vo1"] and case.status == CaseStatus.ONTVANGEN


def test_a_second_open_overstap_aanmelding_is_refused(client, demo, resident):
    pupil = resident()
    report_overstap(pupil=pupil, by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap.")
    with pytest.raises(ValidationError, match="al aangemeld bij De Overstap"):
        report_overstap(pupil=pupil, by=demo["mentor.vo1"], remark="Hulp nodig bij de overstap.")
    login_as(client, demo["decaan.vo1"])
    assert 'data-testid="already-reported"' in client.get(popup(pupil)).content.decode()
    page = client.post(popup(pupil), {"stap": "ja", "remark": "nog eens"})
    assert page.status_code == 200 and Case.objects.count() == 1
    # Once closed, a new aanmelding may follow.
    set_status(case=Case.objects.get(), by=demo["gemeente.denhaag"], status=CaseStatus.AFGESLOTEN, outcome="werk")
    report_overstap(pupil=pupil, by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap.")
    assert Case.objects.count() == 2


def test_the_database_also_holds_one_open_overstap_per_pupil_and_year(demo, resident):
    from django.db import IntegrityError

    from tests.factories import CaseFactory

    pupil = resident()
    CaseFactory(pupil=pupil)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(pupil=pupil)


def test_a_pupil_without_a_gemeente_in_the_region_cannot_be_aangemeld(client, demo, resident):
    pupil = resident(postcode="9711 AB")
    login_as(client, demo["decaan.vo1"])
    page = client.get(popup(pupil)).content.decode()
    assert 'data-testid="no-gemeente"' in page and "Meld leerling aan" not in page
    client.post(popup(pupil), {"stap": "ja", "remark": "x"})
    assert not Case.objects.exists()


def test_the_mail_goes_once_after_the_commit_and_holds_no_pupil_data(
    demo, orgs, resident, django_capture_on_commit_callbacks, queued_mail
):
    orgs["GM0518"].overstap_email = "deoverstap@denhaag.example"
    orgs["GM0518"].save()
    pupil = resident()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = report_overstap(pupil=pupil, by=demo["decaan.vo1"], remark="Bsn 123456782, woont op de Laan")
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["deoverstap@denhaag.example"]
    body = message.body + "".join(content for content, _type in message.alternatives)
    assert reverse("gemeente:melding", args=[case.pk]) in body
    for text in (pupil.voornaam, pupil.achternaam, pupil.straat, pupil.postcode, "Bsn", "Laan"):
        assert text not in body
    assert not [n for n in bsn_like_numbers(body) if passes_elfproef(n.replace(" ", "").replace(".", ""))]
    assert OutgoingMail.objects.get().pupil == pupil  # part of the pupil's inzage


def test_no_mail_when_the_transaction_rolls_back(demo, resident, django_capture_on_commit_callbacks, queued_mail):
    pupil = resident()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                report_overstap(pupil=pupil, by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap.")
                raise RuntimeError("the request failed after the report")
        except RuntimeError:
            pass
    assert mail.outbox == [] and not Case.objects.exists() and not OutgoingMail.objects.exists()


def test_the_mail_goes_to_the_general_address_without_an_overstap_address(demo, orgs, resident, queued_mail, committed):
    orgs["GM0518"].overstap_email = ""
    orgs["GM0518"].save()
    committed(report_overstap, pupil=resident(), by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap.")
    assert mail.outbox[0].to == [orgs["GM0518"].email]


def test_the_gemeente_gets_a_melding_and_sees_everything_voroc_knows(client, demo, resident):
    from students.aanmeldingen import add_aanmelding
    from tests.factories import OpleidingFactory

    pupil = resident(diploma=True)
    add_aanmelding(pupil=pupil, opleiding=OpleidingFactory(name="Kok niveau 2"))
    case = report_overstap(pupil=pupil, by=demo["decaan.vo1"], remark="Wil koken.")
    officer = demo["gemeente.denhaag"]
    assert meldingen_visible_to(officer).filter(pupil=pupil, link=reverse("gemeente:melding", args=[case.pk])).exists()
    assert not meldingen_visible_to(demo["gemeente.delft"]).filter(pupil=pupil).exists()
    login_as(client, officer)
    rows = client.get(reverse("gemeente:leerlingen") + "?kenmerk=overstap").context["rows"]
    assert [r.pupil for r in rows] == [pupil] and rows[0].overstap == case
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    # School, group, mentor, aanmeldingen with their status, destination, diploma, the form's state: nothing typed twice.
    mentor = demo["mentor.vo1"].full_name
    for text in (
        "Kok niveau 2",
        pupil.group.name,
        pupil.school.name,
        mentor,
        "Wil koken.",
        "behaald",
        "Nog niet gestart",
    ):
        assert text in page, text
    handling = client.get(reverse("gemeente:melding", args=[case.pk])).content.decode()
    assert demo["decaan.vo1"].full_name in handling and mentor in handling  # who reported, and the mentor


def test_a_risicomelding_with_its_reason(client, demo, resident):
    pupil = resident()
    login_as(client, demo["zorg.vo1"])
    url = reverse("gemeente:risico", args=[pupil.pk])
    # "Anders" needs an explanation; no reason is no report.
    assert "Kies een reden" in client.post(url, {"stap": "bevestigen"}).content.decode()
    assert "Licht bij" in client.post(url, {"stap": "bevestigen", "reason": "anders"}).content.decode()
    confirm = client.post(url, {"stap": "bevestigen", "reason": "verzuim", "remark": "Vaak afwezig."}).content.decode()
    assert "Veel verzuim" in confirm and not Case.objects.exists()
    client.post(url, {"stap": "ja", "reason": "verzuim", "remark": "Vaak afwezig."})
    case = Case.objects.get()
    assert (case.kind, case.reason, case.reported_by) == (CaseKind.RISICO, "verzuim", demo["zorg.vo1"])
    # A double submit (or a colleague) does not make a second open one from the same school.
    client.post(url, {"stap": "ja", "reason": "verzuim", "remark": "Vaak afwezig."})
    assert Case.objects.count() == 1


def test_the_gemeente_handles_a_case_and_the_school_sees_status_and_outcome_not_the_notes(client, demo, resident):
    pupil = resident()
    case = report_overstap(pupil=pupil, by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap.")
    officer = demo["gemeente.denhaag"]
    login_as(client, officer)
    url = reverse("gemeente:melding_contact", args=[case.pk])
    client.post(url, {"date": timezone.localdate().isoformat(), "kind": "telefoon", "note": "Moeder: ziek thuis."})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_BEHANDELING  # a first contact: being handled
    # Closing needs an outcome.
    status_url = reverse("gemeente:melding_status", args=[case.pk])
    assert "Kies bij het afsluiten de uitkomst" in client.post(status_url, {"status": "afgesloten"}).content.decode()
    client.post(status_url, {"status": "afgesloten", "outcome": "geplaatst_mbo"})
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.AFGESLOTEN, "geplaatst_mbo")
    assert [c.status for c in case.history.all()] == ["ontvangen", "in_behandeling", "afgesloten"]
    # The school: a melding per change, and status and outcome on the pupil's page, never the contact notes.
    texts = list(meldingen_visible_to(demo["decaan.vo1"]).filter(pupil=pupil).values_list("text", flat=True))
    assert any("In behandeling" in t for t in texts) and any("Afgesloten" in t and "geplaatst" in t for t in texts)
    login_as(client, demo["mentor.vo1"])
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert "Afgesloten: geplaatst op het mbo" in page and "ziek thuis" not in page
    assert client.get(reverse("gemeente:melding", args=[case.pk])).status_code == 403


def test_a_contact_in_the_future_is_refused(demo, resident):
    case = report_overstap(pupil=resident(), by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap.")
    with pytest.raises(ValidationError):
        add_contact(
            case=case,
            by=demo["gemeente.denhaag"],
            date=timezone.localdate() + datetime.timedelta(days=1),
            kind="brief",
            note="",
        )
    assert not Contact.objects.exists()


def test_remarks_by_the_gemeente_for_the_school_with_a_melding(client, demo, resident):
    pupil = resident()
    officer = demo["gemeente.denhaag"]
    login_as(client, officer)
    url = reverse("gemeente:opmerking", args=[pupil.pk])
    assert "Vul dit veld in" in client.post(url, {"text": "  "}).content.decode()
    assert "Maximaal 2000 tekens" in client.post(url, {"text": "x" * 2001}).content.decode()
    client.post(url, {"text": "Huisbezoek afgesproken."})
    client.post(url, {"text": "Huisbezoek afgesproken."})  # a double click
    remark = Remark.objects.get()
    assert (remark.author, remark.gemeente.code) == (officer, "GM0518")
    for user in ("decaan.vo1", "mentor.vo1"):
        assert meldingen_visible_to(demo[user]).filter(pupil=pupil, text__contains="opmerking").exists()
        login_as(client, demo[user])
        assert "Huisbezoek afgesproken." in client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    # The overview shows that there are remarks.
    login_as(client, demo["decaan.vo1"])
    [row] = client.get(reverse("students:overzicht") + "?groep=alle").context["rows"]
    assert row.gemeente_remarks == 1


def test_a_remark_is_changed_by_its_author_for_24_hours_then_fixed(client, demo, resident):
    from tests.factories import UserFactory

    pupil = resident()
    officer = demo["gemeente.denhaag"]
    colleague = UserFactory(organisation=officer.organisation, role="gemeente")
    remark = add_remark(pupil=pupil, by=officer, text="Eerste versie.")
    url = reverse("gemeente:opmerking_wijzigen", args=[remark.pk])
    login_as(client, colleague)
    assert client.get(url).status_code == 403
    with pytest.raises(ValidationError):
        edit_remark(remark=remark, by=colleague, text="Van een ander.")
    login_as(client, officer)
    client.post(url, {"text": "Tweede versie."})
    remark.refresh_from_db()
    assert remark.text == "Tweede versie." and remark.edited_at
    with time_machine.travel(remark.created_at + datetime.timedelta(hours=24, seconds=1)):
        login_as(client, officer)
        assert client.get(url).status_code == 403
        client.post(url, {"text": "Te laat."})
    remark.refresh_from_db()
    assert remark.text == "Tweede versie."


def test_remarks_of_den_haag_are_not_visible_to_delft(client, demo, resident, orgs):
    from gemeente.selectors import remarks_visible_to
    from tests.factories import RemarkFactory

    pupil = resident()
    RemarkFactory(pupil=pupil, gemeente=orgs["GM0518"], text="Van Den Haag.")
    # The pupil moves to Delft: Delft now has it in scope, but not Den Haag's remark.
    pupil.postcode = DELFT
    pupil.save()
    assert not remarks_visible_to(demo["gemeente.delft"]).exists()
    login_as(client, demo["gemeente.delft"])
    assert "Van Den Haag." not in client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()


def test_niet_verschenen_by_the_mbo_school_reaches_the_gemeente_and_the_school(client, demo, resident, orgs):
    from students.aanmeldingen import add_aanmelding
    from students.models import Status
    from tests.factories import OpleidingFactory

    roc = demo["roc.mbo1"]
    opleiding = OpleidingFactory(school=roc.organisation)
    former = resident(school_year=current_school_year() - 1)
    aanmelding = add_aanmelding(pupil=former, opleiding=opleiding, status=Status.DEFINITIEF, source="feed")
    this_year = resident()
    too_early = add_aanmelding(pupil=this_year, opleiding=opleiding, status=Status.DEFINITIEF, source="feed")
    login_as(client, roc)
    listing = client.get(reverse("students:aanmeldingen") + "?jaar=vorig").content.decode()
    assert reverse("gemeente:niet_verschenen", args=[aanmelding.pk]) in listing
    assert client.get(reverse("gemeente:niet_verschenen", args=[too_early.pk])).status_code == 403
    with pytest.raises(ValidationError, match="na de start van het mbo-schooljaar"):
        report_not_arrived(aanmelding=too_early, by=roc)
    response = client.post(reverse("gemeente:niet_verschenen", args=[aanmelding.pk]), {"remark": "Niet op intro."})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.kind, case.gemeente.code, case.reported_by_organisation) == (
        CaseKind.NIET_VERSCHENEN,
        "GM0518",
        roc.organisation,
    )
    assert meldingen_visible_to(demo["gemeente.denhaag"]).filter(pupil=former).exists()
    assert meldingen_visible_to(demo["decaan.vo1"]).filter(pupil=former, text__contains="niet is verschenen").exists()
    # Once is enough.
    client.post(reverse("gemeente:niet_verschenen", args=[aanmelding.pk]), {"remark": "nog eens"})
    assert Case.objects.count() == 1
    assert Melding.objects.filter(organisation=orgs["GM0518"], pupil=former).count() == 1


def test_a_save_in_a_pop_up_on_the_same_page_reloads_it(client, demo, resident):
    """From the pupil's page, a remark's pop-up sends the browser to the same page (#gemeente): a redirect there
    would only scroll and leave the pop-up open, so the page is reloaded instead."""
    pupil = resident()
    login_as(client, demo["gemeente.denhaag"])
    page = "http://testserver" + reverse("students:leerling", args=[pupil.pk])
    response = client.post(
        reverse("gemeente:opmerking", args=[pupil.pk]),
        {"text": "Gesprek gepland."},
        headers={"HX-Request": "true", "HX-Current-URL": page},
    )
    assert response.headers.get("HX-Refresh") == "true" and "HX-Redirect" not in response.headers
    # From another page (the overview's icon row) it goes to the pupil's page.
    login_as(client, demo["decaan.vo1"])
    response = client.post(
        reverse("gemeente:overstap", args=[pupil.pk]),
        {"stap": "ja", "remark": "Hulp nodig."},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + reverse("students:overzicht")},
    )
    assert response.headers["HX-Redirect"] == reverse("students:leerling", args=[pupil.pk])


def test_the_school_finds_what_it_reported_to_the_gemeente_in_its_overview(client, demo, resident):
    from gemeente.services import report_risk
    from tests.factories import RemarkFactory

    aangemeld, afgesloten, risico, opmerking, niets = (resident(achternaam=n) for n in ("Aa", "Bb", "Cc", "Dd", "Ee"))
    report_overstap(pupil=aangemeld, by=demo["decaan.vo1"], remark="Hulp nodig.")
    closed = report_overstap(pupil=afgesloten, by=demo["decaan.vo1"], remark="Hulp nodig.")
    set_status(case=closed, by=demo["gemeente.denhaag"], status=CaseStatus.AFGESLOTEN, outcome="werk")
    report_risk(pupil=risico, by=demo["zorg.vo1"], reason="verzuim", remark="")
    RemarkFactory(pupil=opmerking, gemeente=closed.gemeente)
    login_as(client, demo["decaan.vo1"])

    def names(choice: str) -> list[str]:
        rows = client.get(reverse("students:overzicht") + f"?groep=alle&gemeente={choice}").context["rows"]
        return sorted(r.pupil.achternaam for r in rows)

    assert names("overstap") == ["Aa", "Bb"]
    assert names("risico") == ["Cc"]
    assert names("open") == ["Aa", "Cc"]
    assert names("afgesloten") == ["Bb"]
    assert names("opmerking") == ["Dd"]
    assert len(names("")) == 5 and "Ee" in names("")


def test_two_officers_changing_a_status_at_once_the_second_is_told_and_nothing_is_undone(client, demo, resident):
    from django.test import Client

    from accounts.models import Role
    from tests.factories import UserFactory

    case = report_overstap(pupil=resident(), by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap.")
    page_url, status_url = (
        reverse("gemeente:melding", args=[case.pk]),
        reverse("gemeente:melding_status", args=[case.pk]),
    )
    login_as(client, demo["gemeente.denhaag"])  # A
    a_version = client.get(page_url).context["status_form"]["versie"].value()
    b = Client()
    colleague = UserFactory(
        username="leerplicht2", organisation=demo["gemeente.denhaag"].organisation, role=Role.GEMEENTE
    )
    login_as(b, colleague)  # B closes the case
    b_version = b.get(page_url).context["status_form"]["versie"].value()
    b.post(status_url, {"status": "afgesloten", "outcome": "geplaatst_mbo", "versie": b_version})

    refused = client.post(status_url, {"status": "in_behandeling", "versie": a_version})  # A, on the older page
    assert "Iemand anders heeft deze gegevens gewijzigd" in refused.content.decode()
    assert "Afgesloten" in refused.content.decode()  # the message says what the status is now
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.AFGESLOTEN, "geplaatst_mbo")  # B's closing stands
    again = refused.context["status_form"]["versie"].value()  # saving again from the page shown now is taken
    client.post(status_url, {"status": "in_behandeling", "versie": again})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_BEHANDELING
