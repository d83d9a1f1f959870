"""The akkoordverklaring: nothing reaches the mbo-school before the pupil agrees; after it the school's ROC-gebruiker
reads the dossier as sent (and its PDF) until the pupil withdraws — which the pupil can only while the school has not
opened it —; the consent records who agreed to which version for which school and when; a pupil under 16 names the
parent who agreed; another pupil's consent does not exist for a leerling, nor another school's for an mbo-school."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from audit.models import Action, AuditEntry
from dossier.akkoord import give_akkoord, needs_parent, open_consent, statements_for, withdraw
from dossier.models import Consent, Dossier, DossierState
from dossier.snapshot import seal
from notifications.models import Melding
from students import bsn as bsn_crypto
from students.aanmeldingen import add_aanmelding
from students.models import Location
from tests.conftest import bsn_like_numbers, login_as
from tests.dossier.akkoord_helpers import at_akkoord, born_years_ago
from tests.dossier.helpers import pupil_account
from tests.factories import OpleidingFactory, PupilFactory, valid_bsn

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    login_as(client, user)
    return client


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def agree(client, dossier, **extra):
    """Tick every statement the page shows and click "Akkoord"."""
    texts = statements_for(dossier, parent=needs_parent(dossier))
    data = {"statements": [str(n) for n in range(len(texts))], **extra}
    return client.post(reverse("leerling:akkoord", args=[dossier.pk]), data)


@pytest.fixture
def mbo(demo):
    """roc.mbo1's school with an opleiding at one of its locations."""
    roc = demo["roc.mbo1"]
    school = roc.organisation
    opleiding = OpleidingFactory(school=school, name="Verzorgende-IG", crebo="25491", niveau=3, leerweg="BBL")
    location = Location.objects.create(school=school, name="Zoetermeer", plaats="Zoetermeer")
    opleiding.locations.set([location])
    return {"roc": roc, "school": school, "opleiding": opleiding, "location": location}


@pytest.fixture
def pupil(vo1):
    return PupilFactory(school=vo1, bsn=valid_bsn(4711), voornaam="Yara", achternaam="Haddou")


def applied(pupil, mbo) -> None:
    """An aanmelding at the (connected) mbo-school, from its feed: the school has the pupil in view."""
    add_aanmelding(pupil=pupil, opleiding=mbo["opleiding"], source="feed", external_id=f"A-{pupil.pk}")


def dossier_of(kind: str, pupil, mbo, **kwargs):
    account = pupil_account(pupil if kind == "vo-mbo" else None)
    return at_akkoord(account, mbo["opleiding"], kind=kind, location=mbo["location"], **kwargs)


@pytest.mark.parametrize("kind", ["vo-mbo", "mbo-mbo", "werkloos-mbo"])
def test_the_whole_path_for_each_kind(kind, pupil, mbo, eager):
    dossier = dossier_of(kind, pupil, mbo)
    leerling = client_of(dossier.account.user)
    roc = client_of(mbo["roc"])
    # Waiting for the akkoord: the pupil is called to it, the mbo-school has nothing.
    home = leerling.get(reverse("leerling:home")).content.decode()
    assert "Start akkoordverklaring" in home and reverse("leerling:akkoord", args=[dossier.pk]) in home
    assert 'data-testid="no-received-dossiers"' in roc.get(reverse("mbodossiers:lijst")).content.decode()
    assert not Consent.objects.exists() and not Melding.objects.filter(organisation=mbo["school"]).exists()

    # The akkoord page: the whole dossier as it will be sent, the mentor's part and verdicts for VO-MBO.
    page = leerling.get(reverse("leerling:akkoord", args=[dossier.pk])).content.decode()
    assert "Verzorgende-IG" in page and "25491" in page and "Zoetermeer" in page
    assert "Motivatie" in page and "Antwoord op Waarom past deze opleiding bij jou?" in page
    assert "Begin dan een nieuw dossier" in page  # the way to change something, with every answer taken over
    if kind == "vo-mbo":
        assert "Deel B: de mentor" in page and "Meneer Mentor" in page
        assert "Oneens" in page and "Kijk nog eens naar de stage" in page
    else:
        assert "Deel B" not in page
    assert page.count('data-testid="statement"') == len(statements_for(dossier, parent=False))

    response = agree(leerling, dossier)
    assert response.status_code == 302 and response.url == reverse("leerling:akkoord_verstuurd", args=[dossier.pk])
    after = leerling.get(response.url).content.decode()
    assert f"Je doorstroomdossier is verstuurd naar {mbo['school'].name}" in after and "intakegesprek" in after

    # The record: who agreed, to which version, for which school, when; the snapshot sealed.
    consent = Consent.objects.get()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.VERSTUURD and dossier.sent_at is not None
    assert consent.declaration == dossier.declaration and consent.mbo_school == mbo["school"]
    assert consent.snapshot["declaration"]["kind"] == kind
    assert consent.snapshot["declaration"]["version"] == dossier.declaration.version
    assert consent.given_by == dossier.account.user and consent.given_by_name == dossier.account.user.full_name
    assert consent.given_at is not None and consent.opened_at is None and consent.active
    assert consent.statements == statements_for(dossier, parent=False) and not consent.parent_name
    assert consent.snapshot_checksum == seal(consent.snapshot)
    assert (kind == "vo-mbo") == (consent.snapshot["part_b"] is not None)

    home = leerling.get(reverse("leerling:home")).content.decode()
    assert f"Verstuurd naar {mbo['school'].name}" in home and "Start akkoordverklaring" not in home
    # The pupil is told (an intake invitation follows); the mbo-school gets a melding that leads to it.
    [message] = [m for m in mail.outbox if dossier.account.user.email in m.to]
    assert mbo["school"].name in message.subject and "intakegesprek" in message.body
    melding = Melding.objects.get(organisation=mbo["school"])
    assert melding.link == reverse("mbodossiers:dossier", args=[consent.pk])

    # The mbo-school: in the list, the page, the PDF read back.
    listed = roc.get(reverse("mbodossiers:lijst")).content.decode()
    assert consent.given_by_name in listed and reverse("mbodossiers:dossier", args=[consent.pk]) in listed
    shown = roc.get(reverse("mbodossiers:dossier", args=[consent.pk])).content.decode()
    assert "Antwoord op Waarom past deze opleiding bij jou?" in shown and consent.snapshot_checksum[:16] in shown
    consent.refresh_from_db()
    assert consent.opened_at is not None
    text = pdf_text(roc.get(reverse("mbodossiers:pdf", args=[consent.pk])))
    assert consent.given_by_name in text and mbo["school"].name in text and "25491" in text
    assert f"{dossier.get_kind_display()}, versie {dossier.declaration.version}" in text
    assert "Motivatie" in text and ("Deel B: de mentor" in text) == (kind == "vo-mbo")
    # The pupil's receipt says where it went and that it was opened; the pupil's PDF of it.
    receipt = leerling.get(reverse("leerling:wat_verstuurd", args=[dossier.pk])).content.decode()
    assert "Geopend door de school" in receipt and mbo["school"].name in receipt
    assert "Verzorgende-IG" in pdf_text(leerling.get(reverse("leerling:akkoord_pdf", args=[consent.pk])))


def test_nothing_reaches_the_mbo_before_the_akkoord(pupil, mbo):
    dossier = dossier_of("vo-mbo", pupil, mbo)
    applied(pupil, mbo)  # the school has the pupil in view for its form
    roc = client_of(mbo["roc"])
    assert 'data-testid="no-received-dossiers"' in roc.get(reverse("mbodossiers:lijst")).content.decode()
    received = roc.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    assert 'data-testid="received-dossiers-panel"' not in received
    # A consent that is not given yet cannot be opened: every id is 404, and giving one from another state fails.
    for pk in (1, dossier.pk, 999):
        assert roc.get(reverse("mbodossiers:dossier", args=[pk])).status_code == 404
        assert roc.get(reverse("mbodossiers:pdf", args=[pk])).status_code == 404
    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.BIJ_MENTOR)
    dossier.refresh_from_db()
    with pytest.raises(ValidationError):
        give_akkoord(dossier=dossier, statements=statements_for(dossier, parent=False))
    assert client_of(dossier.account.user).get(reverse("leerling:akkoord", args=[dossier.pk])).status_code == 302
    assert not Consent.objects.exists()


def test_not_every_statement_ticked_is_refused(pupil, mbo):
    dossier = dossier_of("mbo-mbo", pupil, mbo)
    leerling = client_of(dossier.account.user)
    response = leerling.post(reverse("leerling:akkoord", args=[dossier.pk]), {"statements": ["0", "1"]})
    assert response.status_code == 400 and "Vink alle zinnen aan" in response.content.decode()
    assert not Consent.objects.exists()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AKKOORD


def test_under_16_without_a_parent_is_refused_with_the_dutch_message(pupil, mbo):
    dossier = dossier_of("vo-mbo", pupil, mbo, born=born_years_ago(15))
    leerling = client_of(dossier.account.user)
    page = leerling.get(reverse("leerling:akkoord", args=[dossier.pk])).content.decode()
    assert 'data-testid="parent-fields"' in page and "Mijn ouder of verzorger weet dit" in page
    response = agree(leerling, dossier)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Je bent jonger dan 16. Vul de naam in van je ouder of verzorger" in body
    assert "Kies wie dit is: je moeder, vader, voogd of verzorger." in body
    assert not Consent.objects.exists()
    response = agree(leerling, dossier, parent_name="Fatima Haddou", parent_relation="moeder")
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.parent_name, consent.parent_relation) == ("Fatima Haddou", "moeder")
    assert consent.snapshot["akkoord"]["parent_name"] == "Fatima Haddou"
    assert "Mijn ouder of verzorger weet dit en is het ermee eens." in consent.statements
    text = pdf_text(client_of(mbo["roc"]).get(reverse("mbodossiers:pdf", args=[consent.pk])))
    assert "met toestemming van Fatima Haddou (moeder)" in text


def test_sixteen_counts_on_the_day_and_the_schools_date_of_birth_counts_without_an_answer(pupil, mbo):
    dossier = dossier_of("vo-mbo", pupil, mbo)
    today = datetime.date(2026, 12, 7)
    dossier.answers["geboortedatum"] = "2010-12-07"
    assert not needs_parent(dossier, today)  # sixteen today
    dossier.answers["geboortedatum"] = "2010-12-08"
    assert needs_parent(dossier, today)  # sixteen tomorrow
    del dossier.answers["geboortedatum"]
    record = dossier.account.pupil
    record.geboortedatum = datetime.date(2011, 1, 1)
    assert needs_parent(dossier, today)
    record.geboortedatum = datetime.date(2009, 1, 1)
    assert not needs_parent(dossier, today)
    dossier.account.pupil = None  # no answer and no school: the parent is asked
    assert needs_parent(dossier, today)


def test_a_withdrawal_before_opening_removes_the_mbos_access_and_is_recorded(pupil, mbo):
    dossier = dossier_of("vo-mbo", pupil, mbo)
    applied(pupil, mbo)
    leerling, roc = client_of(dossier.account.user), client_of(mbo["roc"])
    agree(leerling, dossier)
    consent = Consent.objects.get()
    # The mbo-school sees it in its list and beside the form, without opening it yet.
    assert consent.given_by_name in roc.get(reverse("mbodossiers:lijst")).content.decode()
    received = roc.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    assert reverse("mbodossiers:dossier", args=[consent.pk]) in received
    consent.refresh_from_db()
    assert consent.opened_at is None

    url = reverse("leerling:intrekken", args=[consent.pk])
    assert "Ja, trek mijn toestemming in" in leerling.get(url).content.decode()
    refused = leerling.post(url, {"reason": "  "})
    assert refused.status_code == 400 and "Schrijf kort op waarom" in refused.content.decode()
    response = leerling.post(url, {"reason": "Ik kies toch een andere school."})
    assert response.status_code == 302 and response.url == reverse("leerling:wat_verstuurd", args=[dossier.pk])

    consent.refresh_from_db()
    dossier.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_reason == "Ik kies toch een andere school."
    assert dossier.state == DossierState.AKKOORD and dossier.sent_at is None
    # The mbo-school's access is gone: page, PDF, list, the panel beside the form, the melding.
    assert roc.get(reverse("mbodossiers:dossier", args=[consent.pk])).status_code == 404
    assert roc.get(reverse("mbodossiers:pdf", args=[consent.pk])).status_code == 404
    assert 'data-testid="no-received-dossiers"' in roc.get(reverse("mbodossiers:lijst")).content.decode()
    received = roc.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    assert 'data-testid="received-dossiers-panel"' not in received
    assert not Melding.objects.filter(organisation=mbo["school"]).exists()
    consent.refresh_from_db()
    assert consent.opened_at is None  # a 404 opened nothing
    # Recorded: the consent stays with its withdrawal; the audit log has it; the receipt shows it.
    entry = AuditEntry.objects.filter(action=Action.CHANGE, pupil_id=pupil.pk, summary__contains="ingetrokken").get()
    assert entry.actor_id == dossier.account.user.pk and "andere school" not in entry.summary
    receipt = leerling.get(reverse("leerling:wat_verstuurd", args=[dossier.pk])).content.decode()
    assert "Ingetrokken" in receipt and "Ik kies toch een andere school." in receipt
    assert "Start akkoordverklaring" in receipt
    # The pupil may agree again: a new consent, and the mbo-school reads that one.
    assert agree(leerling, dossier).status_code == 302
    again = Consent.objects.exclude(pk=consent.pk).get()
    assert roc.get(reverse("mbodossiers:dossier", args=[again.pk])).status_code == 200
    assert roc.get(reverse("mbodossiers:dossier", args=[consent.pk])).status_code == 404
    # The receipt lists both, the withdrawn one as such.
    receipt = leerling.get(reverse("leerling:wat_verstuurd", args=[dossier.pk])).content.decode()
    assert f'data-testid="receipt-{again.pk}"' in receipt and f'data-testid="receipt-{consent.pk}"' in receipt


def test_after_opening_the_consent_can_no_longer_be_withdrawn(pupil, mbo):
    dossier = dossier_of("werkloos-mbo", pupil, mbo)
    leerling = client_of(dossier.account.user)
    agree(leerling, dossier)
    consent = Consent.objects.get()
    receipt = leerling.get(reverse("leerling:wat_verstuurd", args=[dossier.pk])).content.decode()
    assert 'data-testid="withdraw"' in receipt
    assert client_of(mbo["roc"]).get(reverse("mbodossiers:dossier", args=[consent.pk])).status_code == 200

    receipt = leerling.get(reverse("leerling:wat_verstuurd", args=[dossier.pk])).content.decode()
    assert 'data-testid="withdraw"' not in receipt and 'data-testid="cannot-withdraw"' in receipt
    assert "Daarom kun je je toestemming hier niet meer intrekken" in receipt
    leerling.post(reverse("leerling:intrekken", args=[consent.pk]), {"reason": "Toch niet."})
    consent.refresh_from_db()
    assert consent.active and consent.withdrawn_at is None
    with pytest.raises(ValidationError, match="niet meer"):
        withdraw(consent=consent, reason="Toch niet.")
    # Opening again keeps the first time.
    first = consent.opened_at
    assert open_consent(consent=consent).opened_at == first


def test_the_snapshot_stays_what_was_sent(pupil, mbo):
    dossier = dossier_of("vo-mbo", pupil, mbo)
    agree(client_of(dossier.account.user), dossier)
    consent = Consent.objects.get()
    Dossier.objects.filter(pk=dossier.pk).update(answers={**dossier.answers, "beroepswens": "Later veranderd"})
    page = client_of(mbo["roc"]).get(reverse("mbodossiers:dossier", args=[consent.pk])).content.decode()
    assert "Later veranderd" not in page
    consent.refresh_from_db()
    assert consent.snapshot_checksum == seal(consent.snapshot)


def test_another_pupils_consent_and_receipt_do_not_exist_for_a_leerling(pupil, mbo):
    other = dossier_of("vo-mbo", pupil, mbo)
    agree(client_of(other.account.user), other)
    consent = Consent.objects.get()
    mine = dossier_of("mbo-mbo", None, mbo)
    leerling = client_of(mine.account.user)
    for url in (
        reverse("leerling:akkoord", args=[other.pk]),
        reverse("leerling:akkoord_verstuurd", args=[other.pk]),
        reverse("leerling:wat_verstuurd", args=[other.pk]),
        reverse("leerling:akkoord_pdf", args=[consent.pk]),
        reverse("leerling:intrekken", args=[consent.pk]),
    ):
        assert leerling.get(url).status_code == 404, url
    assert leerling.post(reverse("leerling:intrekken", args=[consent.pk]), {"reason": "x"}).status_code == 404
    assert leerling.post(reverse("leerling:akkoord", args=[other.pk]), {"statements": ["0"]}).status_code == 404
    consent.refresh_from_db()
    assert consent.active
    # Nor the mbo-school's pages: a leerling sees only their own.
    assert leerling.get(reverse("mbodossiers:dossier", args=[consent.pk])).status_code == 404


def test_another_mbo_school_and_the_vo_school_do_not_read_it(pupil, mbo, demo):
    from accounts.models import Organisation, Role
    from tests.factories import UserFactory

    dossier = dossier_of("vo-mbo", pupil, mbo)
    agree(client_of(dossier.account.user), dossier)
    consent = Consent.objects.get()
    other = UserFactory(username="roc.mbo2", organisation=Organisation.objects.get(code="25BB"), role=Role.ROC)
    roc2 = client_of(other)
    assert roc2.get(reverse("mbodossiers:dossier", args=[consent.pk])).status_code == 404
    assert roc2.get(reverse("mbodossiers:pdf", args=[consent.pk])).status_code == 404
    assert consent.given_by_name not in roc2.get(reverse("mbodossiers:lijst")).content.decode()
    decaan = client_of(demo["decaan.vo1"])
    assert decaan.get(reverse("mbodossiers:dossier", args=[consent.pk])).status_code == 403
    consent.refresh_from_db()
    assert consent.opened_at is None


def test_the_mbo_reads_it_beside_the_schools_doorstroomformulier(pupil, mbo):
    dossier = dossier_of("vo-mbo", pupil, mbo)
    applied(pupil, mbo)
    agree(client_of(dossier.account.user), dossier)
    consent = Consent.objects.get()
    roc = client_of(mbo["roc"])
    received = roc.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    assert 'data-testid="received-dossiers-panel"' in received
    assert reverse("mbodossiers:dossier", args=[consent.pk]) in received
    page = roc.get(reverse("mbodossiers:dossier", args=[consent.pk])).content.decode()
    assert reverse("doorstroom:ontvangen", args=[pupil.pk]) in page
    # The melding names the pupil the school has in view.
    assert Melding.objects.get(organisation=mbo["school"]).pupil == pupil


def test_audit_entries_exist_and_hold_no_bsn(pupil, mbo):
    dossier = dossier_of("vo-mbo", pupil, mbo)
    leerling, roc = client_of(dossier.account.user), client_of(mbo["roc"])
    agree(leerling, dossier)
    consent = Consent.objects.get()
    roc.get(reverse("mbodossiers:lijst"))
    roc.get(reverse("mbodossiers:dossier", args=[consent.pk]))
    roc.get(reverse("mbodossiers:pdf", args=[consent.pk]))
    sent = AuditEntry.objects.get(action=Action.SENT, pupil_id=pupil.pk)
    assert sent.actor_id == dossier.account.user.pk and mbo["school"].name in sent.summary
    assert f"vo-mbo versie {dossier.declaration.version}" in sent.summary
    views = AuditEntry.objects.filter(action=Action.VIEW, pupil_id=pupil.pk, actor_id=mbo["roc"].pk)
    assert views.filter(screen="mbodossiers:dossier").exists() and views.filter(screen="mbodossiers:pdf").exists()
    listed = AuditEntry.objects.get(action=Action.LIST, actor_id=mbo["roc"].pk, screen="mbodossiers:lijst")
    assert f" {pupil.pk} " in listed.subjects
    number = bsn_crypto.decrypt(pupil.bsn_encrypted)
    for entry in AuditEntry.objects.all():
        text = " ".join(str(v) for v in (entry.summary, entry.subjects, entry.fields, entry.actor_name))
        assert number not in text and not bsn_like_numbers(text), entry.summary
    assert number not in str(consent.snapshot) and not bsn_like_numbers(str(consent.snapshot))


def test_a_pupil_without_a_school_is_audited_without_a_pupil_record(mbo):
    dossier = dossier_of("mbo-mbo", None, mbo)
    agree(client_of(dossier.account.user), dossier)
    consent = Consent.objects.get()
    client_of(mbo["roc"]).get(reverse("mbodossiers:dossier", args=[consent.pk]))
    entry = AuditEntry.objects.get(action=Action.VIEW, actor_id=mbo["roc"].pk, screen="mbodossiers:dossier")
    assert entry.pupil_id is None and f"akkoordverklaring {consent.pk}" in entry.summary
    assert Melding.objects.get(organisation=mbo["school"]).pupil is None


def test_the_inzage_holds_the_consents(pupil, mbo):
    from students.privacy import collect

    dossier = dossier_of("vo-mbo", pupil, mbo)
    agree(client_of(dossier.account.user), dossier)
    [rows] = [rows for section, rows in collect(pupil) if section.key == "akkoordverklaringen"]
    [row] = rows
    assert row["mbo-school"] == mbo["school"].name and row["versie"] == dossier.declaration.version
    assert row["akkoord gegeven door"] == dossier.account.user.full_name and row["ingetrokken op"] is None
