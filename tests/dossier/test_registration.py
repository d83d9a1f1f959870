"""Schooluitnodigingscode and Zelf registreren: the decaan makes, renews and revokes the code; a pupil makes an account
with it (e-mail checked first), matched by name and date of birth to this year's pupil record; a mismatch waits for
the decaan, who picks the pupil or rejects; a pupil without a vo-school registers on their own."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from dossier.models import PupilAccount, Registration, SchoolCode
from dossier.services import create_code
from notifications.models import Melding
from tests.conftest import login_as
from tests.dossier.helpers import link_in, mails_to
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Herfst-vakantie-2026"
BIRTH = datetime.date(2011, 3, 14)


@pytest.fixture
def code(demo):
    return create_code(actor=demo["decaan.vo1"])


def register(client, code, *, voornaam="Sanne", achternaam="de Vries", geboortedatum="2011-03-14",
             email="sanne@example.com", ip="10.2.3.4"):  # fmt: skip
    data = {"voornaam": voornaam, "achternaam": achternaam, "geboortedatum": geboortedatum, "email": email}
    if code is not None:
        data["code"] = code if isinstance(code, str) else code.code.lower().replace("-", " ")
    name = "leerling:registreren" if code is not None else "leerling:zelf_registreren"
    return client.post(reverse(name), data, REMOTE_ADDR=ip)


def verify_and_choose(client, email="sanne@example.com"):
    path = link_in(mails_to(email)[-1], "/leerling/bevestigen/")
    assert "Kies je wachtwoord" in client.get(path).content.decode()
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url).content.decode()


def test_the_decaan_makes_renews_and_revokes_the_code(client, demo):
    login_as(client, demo["decaan.vo1"])
    page = client.post(reverse("leerlingaccounts:code"), follow=True).content.decode()
    first = SchoolCode.objects.get()
    assert first.in_use and len(first.code) == 14 and first.code in page
    assert "http://127.0.0.1:8000/leerling/account-maken/" in page  # VOROC_BASE_URL, not the Host header
    assert (first.expires_at - first.created_at).days == 30
    assert "Dit was al opgeslagen" in client.post(reverse("leerlingaccounts:code"), follow=True).content.decode()
    assert SchoolCode.objects.count() == 1  # a double click makes no second code
    SchoolCode.objects.update(created_at=first.created_at - datetime.timedelta(hours=1))
    page = client.post(reverse("leerlingaccounts:code"), follow=True).content.decode()
    first.refresh_from_db()
    second = SchoolCode.objects.exclude(pk=first.pk).get()
    assert not first.in_use and second.in_use and "De vorige code werkt niet meer" in page
    client.post(reverse("leerlingaccounts:code_intrekken"))
    second.refresh_from_db()
    assert not second.in_use
    summaries = list(
        AuditEntry.objects.filter(summary__startswith="schooluitnodigingscode").values_list("summary", flat=True)
    )
    assert sorted(summaries) == ["schooluitnodigingscode aangemaakt", "schooluitnodigingscode ingetrokken",
                                 "schooluitnodigingscode vernieuwd"]  # fmt: skip
    login_as(client, demo["mentor.vo1"])
    assert client.post(reverse("leerlingaccounts:code")).status_code == 403


def test_an_exact_match_links_the_account_whatever_the_case_and_accents(client, vo1, code):
    pupil = PupilFactory(school=vo1, voornaam="Sanne", tussenvoegsel="de", achternaam="Vries", geboortedatum=BIRTH)
    PupilFactory(school=vo1, voornaam="Sanne", tussenvoegsel="de", achternaam="Vries", geboortedatum=BIRTH,
                 school_year=pupil.school_year - 1)  # fmt: skip  # last year's list does not count
    assert register(client, code, voornaam="SANNË", achternaam="De vries").url == reverse("leerling:verstuurd")
    assert Registration.objects.get().status == "email"
    assert not User.objects.filter(role="leerling").exists()  # nothing before the address is checked
    page = verify_and_choose(client)
    assert 'data-testid="registration-done"' in page and "sanne.devries" in page
    account = PupilAccount.objects.get(pupil=pupil)
    assert account.state == "actief" and account.source == "schoolcode"
    assert (account.user.voornaam, account.user.achternaam) == ("Sanne", "Vries")  # the school's spelling
    assert AuditEntry.objects.filter(pupil_id=pupil.pk, summary__contains="gekoppeld").exists()
    login = client.post(reverse("accounts:login"), {"username": "sanne.devries", "password": PASSWORD})
    assert login.url == reverse("leerling:home")
    # The address the school has hears of it: name and date of birth are no secret among classmates.
    [notice] = mails_to(pupil.email)
    assert "s…@example.com" in notice.body and "sanne@example.com" not in notice.body


def test_no_match_waits_for_the_decaan_who_confirms(client, demo, vo1, code):
    pupil = PupilFactory(school=vo1, voornaam="Sanne", tussenvoegsel="de", achternaam="Vries", geboortedatum=BIRTH)
    register(client, code, voornaam="Sanne", achternaam="de Vries", geboortedatum="2011-03-15")  # a typo in the date
    page = verify_and_choose(client)
    assert 'data-testid="registration-waits"' in page and "decaan" in page
    registration = Registration.objects.get()
    assert (registration.status, registration.reason) == ("school", "geen")
    user = registration.user
    assert not user.is_active
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code == 200
    # A melding for each decaan of the school, none for the mentor.
    meldingen = Melding.objects.filter(link=reverse("leerlingaccounts:verzoek", args=[registration.pk]))
    assert {m.user.username for m in meldingen} == {"decaan.vo1", "beheerder.vo1"}

    login_as(client, demo["decaan.vo1"])
    listing = client.get(reverse("leerlingaccounts:index")).content.decode()
    assert "Sanne de Vries" in listing and "geen leerling van dit schooljaar" in listing
    page = client.get(reverse("leerlingaccounts:verzoek", args=[registration.pk])).content.decode()
    assert f'value="{pupil.pk}"' in page  # the same name, another date: offered first
    done = client.post(
        reverse("leerlingaccounts:verzoek", args=[registration.pk]), {"besluit": "bevestigen", "pupil": pupil.pk}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.pupil_account.pupil == pupil and user.pupil_account.state == "actief"
    assert "Je account is klaar" in mails_to("sanne@example.com")[-1].body
    assert AuditEntry.objects.filter(pupil_id=pupil.pk, summary__contains="bevestigd door de decaan").exists()
    client.logout()
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code == 302


def test_several_matches_wait_and_the_decaan_may_reject(client, demo, vo1, code):
    for _ in range(2):
        PupilFactory(school=vo1, voornaam="Sanne", tussenvoegsel="de", achternaam="Vries", geboortedatum=BIRTH)
    register(client, code)
    verify_and_choose(client)
    registration = Registration.objects.get()
    assert registration.reason == "meerdere"
    login_as(client, demo["beheerder.vo1"])
    client.post(reverse("leerlingaccounts:verzoek", args=[registration.pk]), {"besluit": "afwijzen"})
    registration.refresh_from_db()
    assert registration.status == "afgewezen" and registration.user is None
    assert not User.objects.filter(email="sanne@example.com").exists()
    assert "kon niet bevestigen" in mails_to("sanne@example.com")[-1].body
    # Decided: nothing more to decide, not by another school either.
    again = client.post(reverse("leerlingaccounts:verzoek", args=[registration.pk]), {"besluit": "afwijzen"})
    assert again.status_code == 200 and "Beslist door" in again.content.decode()
    registration.refresh_from_db()
    assert registration.status == "afgewezen"
    login_as(client, demo["decaan.vo2"])
    assert client.get(reverse("leerlingaccounts:verzoek", args=[registration.pk])).status_code == 404


def test_a_pupil_who_has_an_account_already_is_not_linked_twice(client, vo1, code):
    pupil = PupilFactory(school=vo1, voornaam="Sanne", tussenvoegsel="de", achternaam="Vries", geboortedatum=BIRTH)
    register(client, code)
    verify_and_choose(client)
    assert PupilAccount.objects.get(pupil=pupil)
    register(client, code, email="iemand.anders@example.com")
    verify_and_choose(client, email="iemand.anders@example.com")
    assert Registration.objects.get(email="iemand.anders@example.com").reason == "account"


def test_the_page_says_the_same_whether_or_not_the_pupil_or_the_address_exists(client, demo, vo1, code):
    PupilFactory(school=vo1, voornaam="Sanne", tussenvoegsel="de", achternaam="Vries", geboortedatum=BIRTH)
    known = register(client, code)
    unknown = register(client, code, voornaam="Niemand", email="niemand@example.com")
    taken = register(client, code, email="decaan.vo1@demo.voroc.nl")
    assert known.url == unknown.url == taken.url == reverse("leerling:verstuurd")
    assert "al een account" in mails_to("decaan.vo1@demo.voroc.nl")[0].body
    assert Registration.objects.count() == 2


def test_a_wrong_code_is_refused_and_the_page_is_rate_limited(client, demo):
    for _ in range(20):  # a class behind one school address makes some typos; a guesser needs ~10^17 tries
        page = register(client, "ABCD-EFGH-JKMN").content.decode()
        assert "Deze code klopt niet" in page
    blocked = register(client, "ABCD-EFGH-JKMN").content.decode()
    assert "Te veel pogingen" in blocked
    assert register(client, "ABCD-EFGH-JKMN", ip="10.9.9.9").status_code == 200  # another address is not blocked
    assert mail.outbox == [] and not Registration.objects.exists()


def test_a_class_registers_from_one_address_but_a_mailbox_is_not_flooded(client, code):
    for n in range(60):  # a class of 30 behind one school network, each perhaps twice
        assert register(client, code, email=f"leerling{n}@example.com").status_code == 302
    assert "Te veel pogingen" in register(client, code, email="nog.een@example.com").content.decode()
    for _ in range(3):
        assert register(client, code, email="slachtoffer@example.com", ip="10.7.7.7").status_code == 302
    assert "Te veel pogingen" in register(client, code, email="Slachtoffer@example.com", ip="10.8.8.8").content.decode()
    assert len(mails_to("slachtoffer@example.com")) == 3


def test_every_field_says_what_is_wrong(client, code):
    page = client.post(reverse("leerling:registreren"), {"geboortedatum": "2099-01-01", "email": "x"}).content.decode()
    for text in ("Vul de code van je school in.", "Vul je voornaam in.", "Vul je achternaam in.",
                 "De geboortedatum moet in het verleden liggen.", "Vul een geldig e-mailadres in"):  # fmt: skip
        assert text in page, text


def test_a_pupil_without_a_vo_school_registers_with_a_checked_address(client):
    assert register(client, None, voornaam="Ayoub", achternaam="Bakkali", email="ayoub@example.com").status_code == 302
    assert "/leerling/bevestigen/" in mails_to("ayoub@example.com")[0].body
    page = verify_and_choose(client, email="ayoub@example.com")
    assert 'data-testid="registration-done"' in page
    user = User.objects.get(email="ayoub@example.com")
    assert user.is_active and user.role == "leerling" and user.organisation.kind == "leerlingen"
    assert user.pupil_account.pupil is None and user.pupil_account.source == "zelf"
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    home = client.get(reverse("leerling:home")).content.decode()
    assert "Je zit niet op een vo-school." in home and "Je hebt nog geen dossier" in home


def test_the_check_link_works_once_and_expires(client, code):
    import time_machine
    from django.utils import timezone

    register(client, code)
    path = link_in(mails_to("sanne@example.com")[0], "/leerling/bevestigen/")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2, minutes=1)):
        assert 'data-testid="link-invalid"' in client.get(path).content.decode()
    verify_and_choose(client)
    assert 'data-testid="link-invalid"' in client.get(path).content.decode()


def test_a_registration_for_an_invited_pupil_waits_and_confirming_replaces_the_invitation(client, demo, vo1, code):
    from dossier.services import invite_pupil

    pupil = PupilFactory(school=vo1, voornaam="Sanne", tussenvoegsel="de", achternaam="Vries", geboortedatum=BIRTH)
    invited = invite_pupil(actor=demo["decaan.vo1"], pupil=pupil, email=pupil.email)
    register(client, code)
    verify_and_choose(client)
    registration = Registration.objects.get()
    assert registration.reason == "account"  # invited already: the decaan decides
    login_as(client, demo["decaan.vo1"])
    page = client.get(reverse("leerlingaccounts:verzoek", args=[registration.pk])).content.decode()
    assert f'value="{pupil.pk}"' in page
    client.post(
        reverse("leerlingaccounts:verzoek", args=[registration.pk]), {"besluit": "bevestigen", "pupil": pupil.pk}
    )
    account = PupilAccount.objects.get(pupil=pupil)
    assert account.user == registration.user and account.state == "actief"
    assert not User.objects.filter(pk=invited.user_id).exists()
