"""The school's side of the pupils' own dossiers: the decaan opens the doorstroomformulier of a pupil who filled in a
dossier and takes the pupil's answers over with one click (one field, then all empty ones) and saves; the mentor
finds on "Wacht op mij" the dossier a pupil sent them nine days ago, marked as waiting too long — on a laptop and on a
phone."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from doorstroom.models import Formulier
from dossier.filling import start_dossier
from dossier.models import Dossier, DossierState, PupilAccount

from .helpers import PHONE, assert_rows_are_cards, login

LAPTOP = {"width": 1366, "height": 768}
VOOROPLEIDING = (
    "schoolsoort",
    "leerweg",
    "profiel",
    "sector_tl",
    "profiel_havo_vwo",
    "examenvakken",
    "verwacht_diploma",
)


def _pupil_with_a_dossier(mentor):
    """The demo's leerling.vo1 (group 4A, mentor.vo1's) sent part A of a VO-MBO dossier to their mentor 9 days ago;
    the school's form has nothing of the vooropleiding yet."""
    account = PupilAccount.objects.select_related("pupil").get(user__username="leerling.vo1")
    dossier = start_dossier(account=account, kind="vo-mbo")
    dossier.answers.update(
        schoolsoort="vmbo",
        leerweg="kb",
        profiel="zw",
        examenvakken=["ne", "en", "wi", "bi"],
        verwacht_diploma="vmbo_kb",
        gedoubleerd="nee",
        comp_samenwerken="4",
        comp_plannen="2",
    )
    dossier.save()
    since = timezone.now() - datetime.timedelta(days=9)
    Dossier.objects.filter(pk=dossier.pk).update(
        state=DossierState.BIJ_MENTOR,
        mentor=mentor,
        mentor_name=mentor.full_name,
        mentor_email=mentor.email,
        sent_to_mentor_at=since,
        choice_text="Verzorgende IG, niveau 3",
    )
    form = Formulier.objects.filter(pupil=account.pupil, is_current=True).first()
    if form is not None:
        form.answers = {k: v for k, v in form.answers.items() if k not in VOOROPLEIDING + ("gedoubleerd",)}
        form.drafts.all().delete()
        form.save()
    return account.pupil


def test_the_decaan_takes_the_pupils_answers_over_and_the_mentor_sees_what_waits(page, demo_live, demo_pw, axe, shot):
    from accounts.models import User

    base = demo_live.url
    mentor = User.objects.get(username="mentor.vo1")
    pupil = _pupil_with_a_dossier(mentor)
    page.set_viewport_size(LAPTOP)

    # The decaan: the pupil's page says where the dossier stands; the form offers the pupil's answers.
    login(page, base, "decaan.vo1", demo_pw)
    page.goto(f"{base}/leerlingen/{pupil.pk}/")
    expect(page.get_by_test_id("pupil-dossier-state")).to_contain_text("bij de mentor Sanne de Vries sinds 9 dagen")
    page.goto(f"{base}/leerlingen/{pupil.pk}/doorstroomformulier/?stap=vooropleiding")
    expect(page.get_by_test_id("suggested-schoolsoort")).to_have_text("vmbo")
    expect(page.get_by_test_id("take-over-all-box")).to_be_visible()
    assert axe() == [], "form with the pupil's answers"
    shot("200-decaan-formulier-antwoorden-leerling")

    page.get_by_test_id("take-over-schoolsoort").click()
    expect(page.get_by_label("Schoolsoort")).to_have_value("vmbo")
    expect(page.get_by_text("1 antwoord overgenomen")).to_be_visible()
    expect(page.get_by_test_id("suggested-leerweg")).to_contain_text(
        "Kaderberoepsgerichte"
    )  # shown now that vmbo is chosen
    page.get_by_test_id("take-over-all").click()
    expect(page.get_by_label("Kaderberoepsgerichte leerweg")).to_be_checked()
    expect(page.get_by_test_id("take-over-all-box")).to_have_count(0)
    assert axe() == [], "form after taking over"
    shot("201-decaan-formulier-overgenomen")
    page.get_by_test_id("form-save").click()
    expect(page.get_by_test_id("form-save")).to_be_visible()
    saved = Formulier.objects.get(pupil=pupil, is_current=True).answers
    assert saved["schoolsoort"] == "vmbo" and saved["leerweg"] == "kb" and saved["profiel"] == "zw"
    assert saved["verwacht_diploma"] == "vmbo_kb" and sorted(saved["examenvakken"]) == ["bi", "en", "ne", "wi"]

    # The decaan's list of all dossiers.
    page.goto(f"{base}/leerlingen/")
    page.get_by_test_id("dossiers-overview").click()
    expect(page.get_by_role("heading", name="Doorstroomdossiers")).to_be_visible()
    expect(page.get_by_test_id("waiting-for-me")).to_have_count(0)  # the mentor's filter
    assert axe() == [], "Doorstroomdossiers (decaan)"
    shot("202-decaan-doorstroomdossiers")
    page.get_by_role("button", name="Uitloggen").click()

    # The mentor: "Wacht op mij" holds the dossier, marked as waiting longer than the limit.
    login(page, base, "mentor.vo1", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerling overzicht").click()
    page.get_by_test_id("dossiers-overview").click()
    page.get_by_test_id("waiting-for-me").click()
    # The demo's own dossier at mentor.vo1 waits there too (nine days as well).
    waiting = Dossier.objects.filter(mentor__username="mentor.vo1", state=DossierState.BIJ_MENTOR).count()
    rows = page.get_by_test_id("dossier-row")
    expect(rows).to_have_count(waiting)
    row = rows.filter(has_text=pupil.sort_name)
    expect(row.get_by_test_id("stand-late")).to_have_text("langer dan 7 dagen")
    expect(row).to_contain_text("bij de mentor Sanne de Vries sinds 9 dagen")
    assert axe() == [], "Wacht op mij"
    shot("203-mentor-wacht-op-mij")
    row.get_by_test_id("open-form").click()
    page.get_by_role("button", name="Competenties").click()
    expect(page.get_by_test_id("suggested-comp_plannen")).to_have_text("2 – Half gevorderd")
    assert axe() == [], "form: the pupil's scores"
    shot("204-mentor-formulier-competenties")

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/doorstroomdossiers/?stand=mij")
    assert_rows_are_cards(page, axe, "dossier-table")
    shot("205-mentor-wacht-op-mij-375")
    page.get_by_test_id("chip-alle").click()
    expect(page.get_by_test_id("dossier-row").first).to_be_visible()
    assert axe() == [], "Doorstroomdossiers (375 px)"
    shot("206-mentor-doorstroomdossiers-375")
    page.goto(f"{base}/leerlingen/{pupil.pk}/doorstroomformulier/?stap=competenties")
    expect(page.get_by_test_id("suggestion-comp_plannen")).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    assert axe() == [], "form on a phone"
    shot("207-mentor-formulier-competenties-375")
