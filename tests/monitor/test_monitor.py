"""The monitor: every count opens exactly its list, for every role's scope; the share aangemeld on 1 April against
the region's norm; the zomerlek from June; the query count does not grow with pupils or schools."""

import datetime
import re
import zoneinfo
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gemeente.models import CaseKind, CaseStatus
from monitor.listing import MonitorList
from monitor.models import RegionNorm
from students.aanmeldingen import add_aanmelding, record_elders
from students.models import Status
from tests.conftest import login_as
from tests.factories import CaseFactory, OpleidingFactory, PupilFactory

from .conftest import DELFT, DEN_HAAG

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
COUNT = re.compile(r'href="(/monitor/lijst/\?[^"]+)"[^>]*data-count="(\d+)"')
LIST_COUNT = re.compile(r'data-testid="list-count" data-count="(\d+)"')


def at(year: int, month: int, day: int):
    return time_machine.travel(datetime.datetime(year, month, day, 12, 0, tzinfo=AMS), tick=False)


def counts_and_lists(client, user, url: str = "/monitor/") -> list[tuple[str, int, int]]:
    """(list address, count shown on the monitor, length of the list it opens) for every count on the page: the
    length as the list page computes it (monitor.listing), and for the first few also by opening the page."""
    html = client.get(url).content.decode()
    found = []
    for number, (link, count) in enumerate(COUNT.findall(html)):
        link = link.replace("&amp;", "&")
        params = dict(parse_qsl(urlsplit(link).query))
        length = MonitorList(user=user, params=params).rows().count()
        if number < 3:
            page = client.get(link)
            assert page.status_code == 200, link
            assert int(LIST_COUNT.search(page.content.decode()).group(1)) == length, link
        found.append((link, int(count), length))
    return found


def test_every_count_opens_exactly_its_list(client, demo_pupils):
    """For every role with a monitor, this year and last: each count on the page equals the length of its list."""
    for username in ("gemeente.denhaag", "decaan.vo1", "mentor.vo1", "roc.mbo1"):
        login_as(client, demo_pupils[username])
        for year in ("", "?jaar=vorig"):
            found = counts_and_lists(client, demo_pupils[username], f"/monitor/{year}")
            assert len(found) > (5 if year else 20), (username, year)
            assert [f for f in found if f[1] != f[2]] == [], (username, year)
            if not year:
                assert any(count > 0 for _link, count, _n in found), username
        client.logout()


def _count(client, figure: str, **params) -> int:
    query = "&".join(f"{k}={v}" for k, v in {"figuur": figure, **params}.items())
    response = client.get(f"/monitor/lijst/?{query}")
    assert response.status_code == 200, figure
    return int(LIST_COUNT.search(response.content.decode()).group(1))


def test_each_role_counts_its_own_scope(client, demo, orgs, resident):
    opleiding1 = OpleidingFactory(school=orgs["25AA"])
    opleiding2 = OpleidingFactory(school=orgs["25BB"])
    den_haag_vo1 = resident("00AA", DEN_HAAG)  # in mentor.vo1's group
    delft_vo1 = resident("00AA", DELFT, group=None)
    resident("00BB", DEN_HAAG)  # a Den Haag pupil of VO2: counted by the gemeente
    add_aanmelding(source="feed", pupil=den_haag_vo1, opleiding=opleiding1, status=Status.INTAKE)
    add_aanmelding(source="feed", pupil=den_haag_vo1, opleiding=opleiding2, status=Status.DEFINITIEF)
    add_aanmelding(source="feed", pupil=delft_vo1, opleiding=opleiding1)

    login_as(client, demo["gemeente.denhaag"])  # Den Haag: its residents at VO1 and VO2, not the Delft pupil
    assert _count(client, "alle") == 2
    assert _count(client, "geen_aanmelding") == 1  # den_haag_vo2
    assert _count(client, "bestemming_definitief") == 1
    assert _count(client, "alle", school=orgs["00BB"].pk) == 1
    client.logout()

    login_as(client, demo["mentor.vo1"])  # the mentor: their group only (the Delft pupil is in none)
    assert _count(client, "alle") == 1
    client.logout()
    login_as(client, demo["decaan.vo1"])
    assert _count(client, "alle") == 2
    client.logout()

    # MBO1 sees its own aanmeldingen only: the definitieve keuze at MBO2 is not its business.
    login_as(client, demo["roc.mbo1"])
    assert _count(client, "alle") == 2
    assert _count(client, "bestemming_definitief") == 0
    assert _count(client, "bestemming_aangemeld") == 2
    assert _count(client, "status_7") == 0
    assert _count(client, "aanmeldingen") == 2
    # Lists that are not the mbo's, and addresses that name no list, are 404.
    for query in ("figuur=geen_aanmelding", "figuur=bestemming_elders", "figuur=bestaat-niet", "figuur=alle&school=x"):
        assert client.get(f"/monitor/lijst/?{query}").status_code == 404, query
    assert client.get("/monitor/lijst/?figuur=aangemeld_tot&datum=gisteren").status_code == 404


def test_the_share_aangemeld_on_1_april_against_the_norm(client, demo, orgs, resident):
    opleiding = OpleidingFactory(school=orgs["25AA"])
    early, late, elders, never = (resident("00AA", DEN_HAAG) for _ in range(4))
    with at(2027, 3, 2):  # recorded on the day of its first status
        add_aanmelding(source="feed", pupil=early, opleiding=opleiding, at=datetime.date(2027, 3, 2))
    with at(2027, 4, 20):
        add_aanmelding(source="feed", pupil=late, opleiding=opleiding, at=datetime.date(2027, 4, 20))
        record_elders(pupil=elders, kind="havo", date=datetime.date(2027, 1, 15))
    with at(2027, 5, 1):  # logged in on the day (a session does not survive a jump in time)
        login_as(client, demo["decaan.vo1"])
        aangemeld = client.get("/monitor/").context["aangemeld"]
        assert (aangemeld["count"], aangemeld["total"], aangemeld["percentage"]) == (2, 4, 50.0)
        assert aangemeld["norm"] == 95 and not aangemeld["meets"] and aangemeld["passed"]
        assert _count(client, "niet_aangemeld_tot", datum="2027-04-01") == 2  # late and never
        RegionNorm.objects.create(region="Haaglanden", aangemeld_norm=50)
        aangemeld = client.get("/monitor/").context["aangemeld"]
        assert aangemeld["norm"] == 50 and aangemeld["meets"]
        # The trend: per week the count of that week, against the same list.
        trend = client.get("/monitor/").context["trend"]
    week = next(w for w in trend if w["end"] == datetime.date(2027, 3, 7))
    assert week["count"] == 2  # early (2 March) and elders (15 January)
    assert never.pk  # never aangemeld: counted in the total only


def test_zomerlek_from_june_to_october_only(client, demo, orgs, resident):
    opleiding = OpleidingFactory(school=orgs["25AA"])
    placed, negative, nothing = (resident("00AA", DEN_HAAG) for _ in range(3))
    add_aanmelding(source="feed", pupil=placed, opleiding=opleiding, status=Status.DEFINITIEF)
    add_aanmelding(source="feed", pupil=negative, opleiding=opleiding, status=Status.NEGATIEF_BESLUIT)
    with at(2027, 3, 1):
        login_as(client, demo["gemeente.denhaag"])
        assert client.get("/monitor/").context["zomerlek"] is None
    with at(2027, 6, 20):
        login_as(client, demo["gemeente.denhaag"])
        zomerlek = client.get("/monitor/").context["zomerlek"]
        assert zomerlek.count == 2
        assert _count(client, "zomerlek") == 2
    assert nothing.pk


def test_cases_with_their_status(client, demo, orgs, resident):
    pupil, other = resident("00AA", DEN_HAAG), resident("00AA", DEN_HAAG)
    gemeente = orgs["GM0518"]
    CaseFactory(pupil=pupil, gemeente=gemeente, kind=CaseKind.OVERSTAP)
    CaseFactory(pupil=other, gemeente=gemeente, kind=CaseKind.RISICO, status=CaseStatus.AFGESLOTEN, outcome="geplaatst")
    login_as(client, demo["gemeente.denhaag"])
    assert _count(client, "overstap_open") == 1
    assert _count(client, "risico_open") == 0
    assert _count(client, "risico_afgesloten") == 1
    client.logout()
    login_as(client, demo["gemeente.delft"])  # Delft's monitor knows nothing of Den Haag's residents
    assert _count(client, "alle") == 0


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("username", ["gemeente.denhaag", "decaan.vo1", "roc.mbo1"])
def test_the_number_of_queries_does_not_grow_with_pupils_or_schools(client, demo, orgs, username):
    login_as(client, demo[username])

    def add(count: int) -> None:
        from tests.factories import MboSchoolFactory, OrganisationFactory

        for _ in range(count):
            school = OrganisationFactory()
            mbo = MboSchoolFactory()
            for target in (orgs["00AA"], school):
                pupil = PupilFactory(school=target, postcode=DEN_HAAG)
                for opleiding in (OpleidingFactory(school=orgs["25AA"]), OpleidingFactory(school=mbo)):
                    add_aanmelding(source="feed", pupil=pupil, opleiding=opleiding, status=Status.INTAKE)

    add(2)
    few = {url: _queries(client, url) for url in ("/monitor/", "/monitor/actielijst/", "/monitor/lijst/?figuur=alle")}
    add(6)
    many = {url: _queries(client, url) for url in few}
    assert many == few
    assert few["/monitor/"] <= 20


def test_a_list_exports_to_excel_and_pdf_with_its_choice_in_the_header(client, demo, orgs, resident):
    import io
    import subprocess

    from openpyxl import load_workbook

    pupil = resident("00AA", DEN_HAAG)
    resident("00BB", DEN_HAAG)
    login_as(client, demo["gemeente.denhaag"])
    query = f"figuur=geen_aanmelding&school={orgs['00AA'].pk}"
    response = client.get(f"/monitor/lijst/export/?formaat=xlsx&{query}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Monitor: Geen aanmelding · VO1 – Haagse Scholengemeenschap"]
    assert [row[0] for row in values[4:]] == [pupil.achternaam]  # only VO1's pupil
    text = " ".join(str(c) for row in values for c in row)
    assert pupil.bsn not in text if getattr(pupil, "bsn", None) else True
    pdf = client.get(f"/monitor/lijst/export/?formaat=pdf&{query}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    shown = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
    assert "Geen aanmelding" in shown.decode() and pupil.achternaam in shown.decode()
