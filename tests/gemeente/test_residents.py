"""Leerlingen in de gemeente: filters, counts, search, sort, paging, a fixed number of queries, and the exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from gemeente.listing import OPEN, SIGNALS, ResidentListing
from students.aanmeldingen import add_aanmelding, record_elders
from students.destination import Heading
from students.models import ExportJob, Status
from tests.conftest import login_as, session_queries
from tests.factories import CaseFactory, OpleidingFactory, RemarkFactory

from .conftest import DELFT

pytestmark = pytest.mark.django_db
LIST = reverse("gemeente:leerlingen")


def names(response) -> list[str]:
    return [row.pupil.achternaam for row in response.context["rows"]]


@pytest.fixture
def region(resident, orgs):
    """Residents of Den Haag in every situation the filters know, at both schools, and one Delft pupil."""
    opleiding = OpleidingFactory()
    other = OpleidingFactory()

    def with_status(name, *statuses, **fields):
        pupil = resident(achternaam=name, **fields)
        for status, opl in zip(statuses, (opleiding, other), strict=False):
            add_aanmelding(pupil=pupil, opleiding=opl, status=status)
        return pupil

    pupils = {
        "geen": resident(achternaam="Aarts", diploma=False),
        "aangemeld": with_status("Bakker", Status.INTAKE),
        "negatief": with_status("Claes", Status.NEGATIEF_BESLUIT, diploma=True),
        "positief": with_status("Dekker", Status.POSITIEF_BESLUIT, Status.INTAKE),
        "definitief": with_status("Evers", Status.DEFINITIEF, diploma=True),
        "elders": resident("00BB", achternaam="Fransen"),
        "overstap": with_status("Gul", Status.ONTVANGSTBEVESTIGING, diploma=True),
        "risico": resident("00BB", achternaam="Haddou", diploma=False),
    }
    record_elders(pupil=pupils["elders"], kind="werk", date=pupils["elders"].created_at.date())
    CaseFactory(pupil=pupils["overstap"], gemeente=orgs["GM0518"])
    CaseFactory(pupil=pupils["risico"], gemeente=orgs["GM0518"], kind="risico", reason="verzuim")
    RemarkFactory(pupil=pupils["risico"], gemeente=orgs["GM0518"])
    resident(achternaam="Delftenaar", postcode=DELFT)
    return pupils


EXPECTED = {
    "": ["Aarts", "Bakker", "Claes", "Dekker", "Evers", "Fransen", "Gul", "Haddou"],
    "bestemming=definitief": ["Evers"],
    "bestemming=elders": ["Fransen"],
    "bestemming=positief": ["Dekker"],
    "bestemming=aangemeld": ["Bakker", "Gul"],
    "bestemming=negatief": ["Claes"],
    "bestemming=geen": ["Aarts", "Haddou"],
    f"bestemming={OPEN}": ["Aarts", "Bakker", "Claes", "Dekker", "Gul", "Haddou"],
    "kenmerk=geen_aanmelding": ["Aarts", "Haddou"],
    "kenmerk=geen_positief": ["Aarts", "Bakker", "Claes", "Gul", "Haddou"],
    "kenmerk=geen_diploma": ["Aarts", "Haddou"],
    "kenmerk=zonder_bestemming": ["Aarts", "Bakker", "Claes", "Dekker", "Gul", "Haddou"],
    "kenmerk=overstap": ["Gul"],
    "kenmerk=risico": ["Haddou"],
    "kenmerk=niet_verschenen": [],
}


def test_every_filter_shows_exactly_its_pupils_and_its_count_says_how_many(client, demo, region):
    login_as(client, demo["gemeente.denhaag"])
    counts = client.get(LIST).context["counts"]
    for query, expected in EXPECTED.items():
        response = client.get(f"{LIST}?{query}")
        assert names(response) == expected, query
        key = query.split("=")[1] if query else "total"
        assert counts[key] == len(expected), query
        assert response.context["page"].paginator.count == len(expected)
    assert set(SIGNALS) | {h.value for h in Heading} | {OPEN, "total"} == set(counts)


def test_the_expected_destination_in_the_database_agrees_with_the_one_on_screen(client, demo, region):
    login_as(client, demo["gemeente.denhaag"])
    for row in client.get(LIST).context["rows"]:
        listed = names(client.get(f"{LIST}?bestemming={row.destination.heading.value}"))
        assert row.pupil.achternaam in listed


def test_school_filter_search_and_sort(client, demo, region, orgs):
    login_as(client, demo["gemeente.denhaag"])
    vo2 = orgs["00BB"]
    assert names(client.get(f"{LIST}?school={vo2.pk}")) == ["Fransen", "Haddou"]
    assert client.get(LIST).context["counts"]["total"] == 8
    assert client.get(f"{LIST}?school={vo2.pk}").context["counts"]["total"] == 2
    response = client.post(LIST, {"q": "dekk"}, follow=True)
    assert names(response) == ["Dekker"]
    assert "dekk" not in response.redirect_chain[-1][0]  # the name is kept in the session, not in the address
    assert names(client.get(f"{LIST}?sort=-naam"))[0] == "Haddou"
    by_school = names(client.get(f"{LIST}?sort=school"))
    assert by_school[-2:] == ["Fransen", "Haddou"]  # VO2 after VO1


def test_a_page_of_100_and_a_fixed_number_of_queries(client, demo, resident, orgs, django_assert_num_queries):
    opleiding = OpleidingFactory()

    def add(count):
        for n in range(count):
            pupil = resident("00AA" if n % 2 else "00BB")
            if n % 3:
                add_aanmelding(pupil=pupil, opleiding=opleiding, status=Status.INTAKE)
            if n % 5 == 0:
                CaseFactory(pupil=pupil, gemeente=orgs["GM0518"])
                RemarkFactory(pupil=pupil, gemeente=orgs["GM0518"])

    add(6)
    login_as(client, demo["gemeente.denhaag"])
    client.get(LIST)
    # (session,) user, organisation (header), the schools of the residents (for the filter), the counts per filter,
    # the page's count, the page's pupils, their rows (pupils with school, group, form state and remarks count),
    # aanmeldingen, status history, Elders, the gemeente's reports, the audit log's line for the pupils shown.
    expected = session_queries() + 12
    with django_assert_num_queries(expected):
        small = client.get(LIST)
    add(120)
    with django_assert_num_queries(expected):
        large = client.get(LIST)
    assert len(small.context["rows"]) == 6 and len(large.context["rows"]) == 100
    assert large.context["page"].paginator.count == 126
    second = client.get(f"{LIST}?pagina=2")
    assert len(second.context["rows"]) == 26
    assert not {r.pupil.pk for r in second.context["rows"]} & {r.pupil.pk for r in large.context["rows"]}


def test_the_excel_file_holds_the_chosen_pupils_without_a_bsn(client, demo, region):
    login_as(client, demo["gemeente.denhaag"])
    response = client.get(reverse("gemeente:export") + "?formaat=xlsx&kenmerk=geen_positief")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Leerlingen in de gemeente – Gemeente Den Haag"
    assert "Geen positief besluit" in rows[1][0]
    header = rows[3]
    assert "Achternaam" in header and "De Overstap" in header and not any("BSN" in str(c) for c in header)
    assert sorted(r[0] for r in rows[4:]) == ["Aarts", "Bakker", "Claes", "Gul", "Haddou"]
    gul = next(r for r in rows[4:] if r[0] == "Gul")
    assert gul[header.index("De Overstap")].startswith("Ontvangen")
    pupil = region["overstap"]
    from students.bsn import decrypt

    assert decrypt(pupil.bsn_encrypted) not in str(rows)


def test_the_pdf_holds_the_chosen_pupils(client, demo, region):
    login_as(client, demo["gemeente.denhaag"])
    response = client.get(reverse("gemeente:export") + "?formaat=pdf&kenmerk=risico")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Haddou" in text and "Aarts" not in text and "Risicomelding" in text


def test_a_long_list_is_made_in_the_background(
    client, demo, region, monkeypatch, eager, django_capture_on_commit_callbacks
):
    from students import exports

    monkeypatch.setitem(exports.BACKGROUND_ROWS, "xlsx", 3)
    login_as(client, demo["gemeente.denhaag"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("gemeente:export") + "?formaat=xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("students:export_job", args=[job.pk])
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.kind == "gemeente" and job.total == 8
    progress = client.get(reverse("students:export_job", args=[job.pk])).content.decode()
    assert reverse("gemeente:leerlingen") in progress  # back to the gemeente's list, not the school's overview
    download = client.get(reverse("students:export_download", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows[4:]) == 8
    # Another gemeente's user cannot fetch it.
    login_as(client, demo["gemeente.delft"])
    assert client.get(reverse("students:export_download", args=[job.pk])).status_code == 404


def test_the_listing_is_built_from_the_access_rule(demo, region):
    """Nobody else gets residents from it: a school's user sees no gemeente list (the view is the gemeente's) and
    the listing itself starts from pupils_visible_to."""
    listing = ResidentListing(user=demo["gemeente.delft"], params={})
    assert [p.achternaam for p in listing.pupils()] == ["Delftenaar"]
    assert list(ResidentListing(user=demo["roc.mbo1"], params={}).pupils()) == []


def test_the_list_of_reports_keeps_a_fixed_number_of_queries(client, demo, resident, orgs, django_assert_num_queries):
    def add(count):
        for n in range(count):
            pupil = resident("00AA" if n % 2 else "00BB")
            CaseFactory(pupil=pupil, gemeente=orgs["GM0518"], kind="overstap" if n % 3 else "risico")

    add(3)
    login_as(client, demo["gemeente.denhaag"])
    url = reverse("gemeente:meldingen") + "?status=alle"
    client.get(url)
    # (session,) user, organisation (header), the page's count, the reports with pupil, school, group, gemeente and
    # reporter, their status history, the audit log's line for the pupils shown.
    expected = session_queries() + 6
    with django_assert_num_queries(expected):
        small = client.get(url)
    add(40)
    with django_assert_num_queries(expected):
        large = client.get(url)
    assert len(small.context["page"].object_list) == 3 and len(large.context["page"].object_list) == 43


def test_the_reports_as_excel_without_the_contact_notes(client, demo, resident, orgs):
    from gemeente.services import add_contact, set_status

    open_case = CaseFactory(pupil=resident(achternaam="Aarts"), gemeente=orgs["GM0518"], remark="Hulp nodig.")
    closed = CaseFactory(pupil=resident(achternaam="Bos"), gemeente=orgs["GM0518"], kind="risico", reason="verzuim")
    add_contact(
        case=closed, by=demo["gemeente.denhaag"], date=closed.reported_at.date(), kind="telefoon", note="Geheim"
    )
    set_status(
        case=closed, by=demo["gemeente.denhaag"], status="afgesloten", outcome="werk", outcome_note="Bij een bakker"
    )
    CaseFactory(pupil=resident(postcode=DELFT, achternaam="Delftenaar"), gemeente=orgs["GM0503"])
    login_as(client, demo["gemeente.denhaag"])
    rows = lambda query: list(  # noqa: E731
        load_workbook(io.BytesIO(client.get(reverse("gemeente:meldingen_export") + query).content)).active.iter_rows(
            values_only=True
        )
    )
    everything = rows("?status=alle")
    header = everything[3]
    assert sorted(r[0] for r in everything[4:]) == ["Aarts", "Bos"]
    bos = next(r for r in everything[4:] if r[0] == "Bos")
    assert (
        bos[header.index("Uitkomst")] == "Aan het werk"
        and bos[header.index("Toelichting uitkomst")] == "Bij een bakker"
    )
    assert "Geheim" not in str(everything)  # the contact log stays with the gemeente's screen
    assert [r[0] for r in rows("")[4:]] == ["Aarts"]  # the default: not yet closed
    assert open_case.remark in str(everything)
