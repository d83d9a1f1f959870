"""The akkoordverklaring on a phone (375 px): leerling.vo1, under 16, starts it from the blue call on their dossier
home, reads the whole dossier, is told what is missing, ticks the statements, names the parent and clicks the green
"Akkoord"; the page says where it went and that an intake invitation follows; "Wat is verstuurd" shows the receipt.
The ROC-gebruiker on a laptop finds it under "Ontvangen dossiers" and beside the pupil's doorstroomformulier, and
opens it; then the pupil can no longer withdraw it."""

import re

from playwright.sync_api import expect

from accounts.models import Organisation
from dossier.models import Consent, PupilAccount
from students.aanmeldingen import add_aanmelding
from students.models import Aanmelding, Location
from tests.dossier.akkoord_helpers import at_akkoord, born_years_ago
from tests.factories import OpleidingFactory

from .helpers import PHONE, login

LAPTOP = {"width": 1366, "height": 768}


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"


def test_a_pupil_gives_the_akkoord_on_a_phone_and_the_mbo_opens_it_beside_the_form(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    account = PupilAccount.objects.select_related("pupil", "user").get(user__username="leerling.vo1")
    pupil = account.pupil
    opleiding = OpleidingFactory(
        school=Organisation.objects.get(code="25AA"),
        name="Verzorgende-IG",
        crebo="25491",
        niveau=3,
        leerweg="BBL",
    )
    location = Location.objects.create(school=opleiding.school, name="Zoetermeer", plaats="Zoetermeer")
    opleiding.locations.set([location])
    if not Aanmelding.objects.filter(pupil=pupil, mbo_school=opleiding.school).exists():
        add_aanmelding(pupil=pupil, opleiding=opleiding, source="feed", external_id=f"BR-{pupil.pk}")
    dossier = at_akkoord(account, opleiding, location=location, born=born_years_ago(15))

    # The pupil, on a phone: the blue call on the dossier home.
    page.set_viewport_size(PHONE)
    login(page, base, "leerling.vo1", demo_pw)
    call = page.get_by_test_id(f"akkoord-call-{dossier.pk}")
    expect(call).to_contain_text("Je gaat nu de akkoordverklaring insturen")
    assert axe() == [], "dossier home with the call"
    no_sideways_scroll(page)
    shot("190-leerling-akkoordverklaring-starten-375")
    call.get_by_role("link", name="Start akkoordverklaring").click()

    # The whole dossier, read-only, then the statements and the parent.
    expect(page.get_by_role("heading", name="Akkoordverklaring", exact=True)).to_be_visible()
    expect(page.get_by_test_id("snapshot-choice")).to_contain_text("Verzorgende-IG")
    expect(page.get_by_role("heading", name="Deel B: de mentor")).to_be_visible()
    expect(page.get_by_test_id("snapshot-verdict").first).to_be_visible()
    assert axe() == [], "akkoord page"
    no_sideways_scroll(page)
    shot("191-leerling-akkoordverklaring-375")
    page.get_by_test_id("give-akkoord").click()
    expect(page.get_by_test_id("akkoord-errors")).to_contain_text("Je dossier is nog niet verstuurd")
    expect(page.get_by_text("Vink alle zinnen aan")).to_be_in_viewport()
    expect(page.get_by_text("Je bent jonger dan 16. Vul de naam in van je ouder of verzorger")).to_be_visible()
    assert axe() == [], "akkoord page with what is missing"
    page.get_by_test_id("akkoord-form").scroll_into_view_if_needed()
    shot("192-leerling-akkoordverklaring-fouten-375")
    for box in page.get_by_test_id("statement").all():
        box.check()
    page.get_by_label("Naam van je ouder of verzorger").fill("Fatima Haddou")
    page.get_by_label("Wie is dit?").select_option("moeder")
    page.get_by_test_id("give-akkoord").click()

    # Sent: where to, and that an intake invitation follows.
    sent = page.get_by_test_id("akkoord-sent")
    expect(sent).to_contain_text(f"Je doorstroomdossier is verstuurd naar {opleiding.school.name}")
    expect(sent).to_contain_text("uitnodiging voor een intakegesprek")
    assert axe() == [], "sent"
    shot("193-leerling-dossier-verstuurd-375")
    page.get_by_test_id("to-receipt").click()
    consent = Consent.objects.get(dossier=dossier)
    receipt = page.get_by_test_id(f"receipt-{consent.pk}")
    expect(receipt.get_by_test_id("receipt-state")).to_have_text("Verstuurd, nog niet geopend")
    expect(receipt.get_by_test_id("consent-facts")).to_contain_text("met toestemming van Fatima Haddou (moeder)")
    assert axe() == [], "receipt"
    no_sideways_scroll(page)
    shot("194-leerling-wat-is-verstuurd-375")
    receipt.get_by_test_id("withdraw").click()
    expect(page.get_by_role("heading", name="Toestemming intrekken")).to_be_visible()
    assert axe() == [], "withdraw"
    shot("195-leerling-toestemming-intrekken-375")
    page.get_by_role("link", name="Annuleer").click()
    page.get_by_role("button", name="Uitloggen").click()

    # The ROC-gebruiker, on a laptop: the tab, the list, the panel beside the form, the dossier as sent.
    page.set_viewport_size(LAPTOP)
    login(page, base, "roc.mbo1", demo_pw)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Ontvangen dossiers").click()
    row = page.get_by_test_id("received-dossier").filter(has_text=account.user.full_name)
    expect(row).to_contain_text("Verzorgende-IG")
    assert axe() == [], "Ontvangen dossiers"
    shot("196-mbo-ontvangen-dossiers")
    row.get_by_role("link", name="Aanmelding en formulier").click()
    panel = page.get_by_test_id("received-dossiers-panel")
    expect(panel).to_contain_text("VO-MBO dossier")
    assert axe() == [], "received form with the pupil's dossier"
    shot("197-mbo-dossier-naast-doorstroomformulier")
    panel.get_by_role("link", name="VO-MBO dossier", exact=True).click()
    expect(page.get_by_test_id("received-consent")).to_contain_text("Fatima Haddou")
    expect(page.get_by_test_id("to-received-form")).to_be_visible()
    assert axe() == [], "received dossier"
    shot("198-mbo-ontvangen-dossier")
    page.get_by_role("button", name="Uitloggen").click()

    # Opened: the pupil can no longer withdraw it in VOROC, and is told why.
    page.set_viewport_size(PHONE)
    login(page, base, "leerling.vo1", demo_pw)
    page.get_by_test_id(f"receipt-link-{dossier.pk}").click()
    expect(receipt.get_by_test_id("receipt-state")).to_have_text("Geopend door de school")
    expect(receipt.get_by_test_id("cannot-withdraw")).to_contain_text("niet meer intrekken")
    expect(receipt.get_by_test_id("withdraw")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/wat-is-verstuurd/$"))
    assert axe() == [], "receipt after opening"
    shot("199-leerling-geopend-375")
