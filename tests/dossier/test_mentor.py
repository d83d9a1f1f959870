"""Part B: the pupil sends a complete part A to a mentor of their own group (then any mentor of the school) or, without
a vo-school, to a typed name and address with a link that works once and expires after 14 days; the mentor says per
page "eens" or "oneens", answers the questions and sends it back; the pupil is mailed what to do next."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditEntry
from dossier.filling import start_dossier
from dossier.mentor import part_b_of
from dossier.models import Dossier, DossierState
from groups.services import set_mentor_links
from notifications.models import Melding
from tests.dossier.helpers import mails_to, page_post, pupil_account, valid_answer
from tests.dossier.test_fill import client_of, fill_part_a
from tests.factories import GroupFactory, OpleidingFactory, PupilFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Mentor-wachtwoord-2026"


@pytest.fixture
def catalogue(db):
    from students.models import Location

    kok = OpleidingFactory(name="Kok", niveau=2)
    oss = Location.objects.create(school=kok.school, name="Oss", plaats="Oss")
    bakker = OpleidingFactory(school=kok.school, name="Bakker", niveau=3, crebo="25180")
    bakker.locations.set([oss])
    kok.locations.set([oss])
    return {"school": kok.school, "veghel": oss, "oss": oss, "kok": kok, "bakker": bakker}


def _mentor(school, name: str) -> User:
    return User.objects.create_user(
        f"{name.lower()}.{school.code.lower()}", email=f"{name.lower()}@school.example", password=PASSWORD,
        organisation=school, role=Role.MENTOR, voornaam=name, achternaam="Mentor", profile_checked_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def school_setup(db):
    pupil = PupilFactory()
    group = GroupFactory(school=pupil.school, name="4A")
    pupil.group = group
    pupil.save()
    own = _mentor(pupil.school, "Eigen")
    other = _mentor(pupil.school, "Ander")
    set_mentor_links(school=pupil.school, links={(group.pk, own.pk)})
    return {"pupil": pupil, "own": own, "other": other}


def complete_dossier(account, catalogue, kind="vo-mbo") -> tuple[Client, Dossier]:
    client = client_of(account)
    dossier = start_dossier(account=account, kind=kind)
    fill_part_a(client, dossier, catalogue)
    assert dossier.percent == 100
    return client, dossier


def fill_part_b(client, url: str, dossier: Dossier, *, disagree: str = "") -> None:
    """As a mentor: a verdict on every page of part A, then every question of part B, through the pages' forms."""
    dossier.refresh_from_db()
    verdicts = {"stap": "deel-a", "actie": "verder"}
    for page in part_b_of(dossier).verdict_pages:
        verdicts[f"oordeel-{page.key}"] = "oneens" if page.key == disagree else "eens"
        verdicts[f"opmerking-{page.key}"] = "Klopt niet helemaal" if page.key == disagree else ""
    assert client.post(url, verdicts).status_code == 302
    for step in dossier.spec.part_b.steps:
        answers: dict = {}
        for _round in range(3):
            dossier.refresh_from_db()
            shown = part_b_of(dossier).questions.of(step.key).fields
            new = {f.key: valid_answer(f) for f in shown if f.is_answer and f.key not in answers}
            if not new:
                break
            answers.update(new)
            assert client.post(url, page_post(step, answers, actie="blijf")).status_code == 302


def test_only_a_complete_part_a_goes_to_the_mentor(school_setup, catalogue):
    account = pupil_account(school_setup["pupil"])
    client = client_of(account)
    dossier = start_dossier(account=account, kind="vo-mbo")
    response = client.get(reverse("leerling:opsturen", args=[dossier.pk]))
    assert response.url == reverse("leerling:dossier", args=[dossier.pk])
    assert "elke bladzijde moet helemaal ingevuld zijn" in client.get(response.url).content.decode()
    response = client.post(reverse("leerling:opsturen", args=[dossier.pk]), {"mentor": school_setup["own"].pk})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DEEL_A and dossier.mentor is None


def test_a_pupil_picks_a_mentor_of_their_group_who_fills_in_part_b_after_login(school_setup, catalogue):
    account = pupil_account(school_setup["pupil"])
    client, dossier = complete_dossier(account, catalogue)
    page = client.get(reverse("leerling:opsturen", args=[dossier.pk])).content.decode()
    own, other = school_setup["own"], school_setup["other"]
    assert page.index("Mentoren van je groep") < page.index(own.full_name) < page.index("Andere mentoren")
    assert other.full_name in page and 'name="email"' not in page  # a pupil of a vo-school picks from the list
    # A user who is no mentor of the school is not among the choices.
    stranger = _mentor(PupilFactory().school, "Vreemd")
    refused = client.post(reverse("leerling:opsturen", args=[dossier.pk]), {"mentor": stranger.pk})
    assert refused.status_code == 400 and "Kies je mentor uit de lijst" in refused.content.decode()
    response = client.post(reverse("leerling:opsturen", args=[dossier.pk]), {"mentor": own.pk})
    assert response.url == reverse("leerling:home")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.BIJ_MENTOR and dossier.mentor == own and dossier.sent_to_mentor_at
    [message] = mails_to(own.email)
    assert "/mentordeel/" in message.body and account.user.full_name in message.subject
    assert Melding.objects.filter(user=own, pupil=school_setup["pupil"]).exists()
    # Part A no longer changes at the pupil's side.
    assert client.get(reverse("leerling:dossier", args=[dossier.pk])).url == reverse("leerling:home")

    mentor = Client()
    mentor.force_login(own)
    url = reverse("mentordeel:invullen", args=[dossier.pk])
    first = mentor.get(url).content.decode()
    assert "Deel A van de leerling" in first and dossier.choice_text in first
    # Another mentor of the school, and the pupil, do not open it.
    outsider = Client()
    outsider.force_login(other)
    assert outsider.get(url).status_code == 404
    assert client.get(url).status_code == 404
    # Not complete yet: "Terugsturen" is refused with the reason.
    refused = mentor.post(url, {"stap": "deel-a", "actie": "terugsturen"})
    assert "Vul eerst het hele mentordeel in" in mentor.get(refused.url).content.decode()
    fill_part_b(mentor, url, dossier, disagree="motivatie")
    dossier.refresh_from_db()
    assert part_b_of(dossier).complete
    last = dossier.spec.part_b.steps[-1]
    done = mentor.post(url, page_post(last, dossier.mentor_answers, actie="terugsturen"))
    assert done.status_code == 200 and "Teruggestuurd naar de leerling" in done.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AKKOORD and dossier.returned_at and dossier.akkoord_since
    assert dossier.verdicts["motivatie"] == {"oordeel": "oneens", "opmerking": "Klopt niet helemaal"}
    [to_pupil] = mails_to(account.user.email)
    assert "Start akkoordverklaring" in to_pupil.body and "Akkoord" in to_pupil.body
    assert "niet eens met: Motivatie" in to_pupil.body
    assert mentor.get(url).status_code == 404  # no longer at the mentor


def test_a_pupil_without_a_school_types_a_mentor_whose_link_works_once_and_expires(catalogue):
    account = pupil_account(None)
    client, dossier = complete_dossier(account, catalogue)
    page = client.get(reverse("leerling:opsturen", args=[dossier.pk])).content.decode()
    assert 'name="naam"' in page and 'name="email"' in page
    refused = client.post(reverse("leerling:opsturen", args=[dossier.pk]), {"naam": "", "email": "geen-adres"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "Vul de naam" in body and "geldig e-mailadres" in body
    client.post(
        reverse("leerling:opsturen", args=[dossier.pk]), {"naam": "Coach Jansen", "email": "coach@werk.example"}
    )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.BIJ_MENTOR and dossier.mentor is None and len(dossier.mentor_token) == 64
    [message] = mails_to("coach@werk.example")
    link = re.search(r"https?://[^/\s]+(/mentordeel/link/\S+/)", message.body).group(1)
    assert dossier.mentor_token not in message.body  # the database keeps only the link's digest

    coach = Client()
    assert coach.get(link).url == reverse("mentordeel:gast")
    assert "Deel A van de leerling" in coach.get(reverse("mentordeel:gast")).content.decode()
    assert AuditEntry.objects.filter(action="view", actor_name="Coach Jansen", summary__contains="mentordeel").exists()
    # The link works once: a second browser gets the page that says so, and nothing of the dossier.
    again = Client().get(link)
    assert again.status_code == 200 and "werkt niet meer" in again.content.decode()
    assert account.user.full_name not in again.content.decode()
    assert Client().get(reverse("mentordeel:gast")).status_code == 404

    # A new link (from the pupil's home) replaces it; after 14 days it no longer works.
    client.post(reverse("leerling:nieuwe_link", args=[dossier.pk]))
    newest = mails_to("coach@werk.example")[-1]
    new_link = re.search(r"https?://[^/\s]+(/mentordeel/link/\S+/)", newest.body).group(1)
    Dossier.objects.filter(pk=dossier.pk).update(mentor_token_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert "werkt niet meer" in Client().get(new_link).content.decode()
    client.post(reverse("leerling:nieuwe_link", args=[dossier.pk]))
    fresh_link = re.search(r"https?://[^/\s]+(/mentordeel/link/\S+/)", mails_to("coach@werk.example")[-1].body).group(1)
    dossier.refresh_from_db()
    assert dossier.mentor_token_expires_at > timezone.now() + datetime.timedelta(days=13)

    guest = Client()
    guest.get(fresh_link)
    fill_part_b(guest, reverse("mentordeel:gast"), dossier)
    last = dossier.spec.part_b.steps[-1]
    dossier.refresh_from_db()
    guest.post(reverse("mentordeel:gast"), page_post(last, dossier.mentor_answers, actie="terugsturen"))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AKKOORD
    assert guest.get(reverse("mentordeel:gast")).status_code == 404  # the browser's access ended with it
    assert AuditEntry.objects.filter(
        summary__contains="teruggestuurd naar de leerling", actor_name="Coach Jansen"
    ).exists()


@pytest.mark.parametrize("kind", ["mbo-mbo", "werkloos-mbo"])
def test_dossiers_without_a_mentors_part_go_to_the_akkoord_at_once(kind, catalogue):
    account = pupil_account(None)
    client, dossier = complete_dossier(account, catalogue, kind=kind)
    last = dossier.spec.pages[-1]
    page = client.get(reverse("leerling:dossier", args=[dossier.pk]) + f"?pagina={last.key}").content.decode()
    assert "Verder naar de akkoordverklaring" in page and "Opsturen naar mentor" not in page
    client.post(reverse("leerling:dossier", args=[dossier.pk]), page_post(last, dossier.answers, actie="naar-akkoord"))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AKKOORD and dossier.akkoord_since and dossier.mentor_name == ""


def test_another_pupils_dossier_cannot_be_sent(school_setup, catalogue):
    other_account = pupil_account(PupilFactory())
    _client, other = complete_dossier(other_account, catalogue)
    account = pupil_account(school_setup["pupil"])
    client = client_of(account)
    assert client.get(reverse("leerling:opsturen", args=[other.pk])).status_code == 404
    assert client.post(reverse("leerling:nieuwe_link", args=[other.pk])).status_code == 404


def test_the_pupil_takes_the_dossier_back_from_the_wrong_mentor(catalogue):
    account = pupil_account(None)
    client, dossier = complete_dossier(account, catalogue)
    client.post(reverse("leerling:opsturen", args=[dossier.pk]), {"naam": "Verkeerd", "email": "verkeerd@example.com"})
    link = re.search(r"https?://[^/\s]+(/mentordeel/link/\S+/)", mails_to("verkeerd@example.com")[0].body).group(1)
    assert "Haal je dossier terug" in client.get(reverse("leerling:home")).content.decode()
    response = client.post(reverse("leerling:terughalen", args=[dossier.pk]))
    assert response.url == reverse("leerling:dossier", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DEEL_A and dossier.mentor_token == "" and dossier.sent_to_mentor_at is None
    assert "werkt niet meer" in Client().get(link).content.decode()  # the old link no longer opens it
    client.post(reverse("leerling:opsturen", args=[dossier.pk]), {"naam": "Goed", "email": "goed@example.com"})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.BIJ_MENTOR and dossier.mentor_email == "goed@example.com"
    assert AuditEntry.objects.filter(summary__contains="teruggehaald bij de mentor (Verkeerd)").exists()


def test_a_dossier_being_filled_in_can_be_removed_one_sent_cannot(catalogue):
    account = pupil_account(None)
    client, sent = complete_dossier(account, catalogue)
    client.post(reverse("leerling:opsturen", args=[sent.pk]), {"naam": "Coach", "email": "coach@example.com"})
    draft = start_dossier(account=account, kind="mbo-mbo")
    page = client.get(reverse("leerling:verwijderen", args=[draft.pk])).content.decode()
    assert "Dat kan niet ongedaan worden gemaakt" in page
    assert client.post(reverse("leerling:verwijderen", args=[draft.pk])).url == reverse("leerling:home")
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    client.post(reverse("leerling:verwijderen", args=[sent.pk]))
    assert Dossier.objects.filter(pk=sent.pk).exists()
    other = start_dossier(account=pupil_account(PupilFactory()), kind="vo-mbo")
    assert client.post(reverse("leerling:verwijderen", args=[other.pk])).status_code == 404
    assert client.post(reverse("leerling:terughalen", args=[other.pk])).status_code == 404
    assert Dossier.objects.filter(pk=other.pk).exists()


def test_a_browser_opened_by_a_link_loses_the_dossier_when_it_goes_to_someone_else_or_a_new_link_is_sent(catalogue):
    account = pupil_account(None)
    client, dossier = complete_dossier(account, catalogue)
    url = reverse("leerling:opsturen", args=[dossier.pk])

    def opened_by_the_last_link(address: str) -> Client:
        browser = Client()
        last = mails_to(address)[-1].body
        assert browser.get(re.search(r"https?://[^/\s]+(/mentordeel/link/\S+/)", last).group(1)).status_code == 302
        assert browser.get(reverse("mentordeel:gast")).status_code == 200
        return browser

    client.post(url, {"naam": "Mentor Een", "email": "een@example.com"})
    first = opened_by_the_last_link("een@example.com")
    client.post(reverse("leerling:terughalen", args=[dossier.pk]))
    client.post(url, {"naam": "Mentor Twee", "email": "twee@example.com"})
    # Mentor Een's browser no longer reaches the dossier, which is now Mentor Twee's to read.
    assert first.get(reverse("mentordeel:gast")).status_code == 404
    refused = first.post(reverse("mentordeel:gast"), {"stap": "deel-a", "actie": "blijf", "oordeel-familie": "oneens"})
    assert refused.status_code == 404
    second = opened_by_the_last_link("twee@example.com")
    # A new link (the mentor lost the first, or it went to the wrong inbox) ends the browser the old one opened.
    client.post(reverse("leerling:nieuwe_link", args=[dossier.pk]))
    assert second.get(reverse("mentordeel:gast")).status_code == 404
    opened_by_the_last_link("twee@example.com")
    dossier.refresh_from_db()
    assert dossier.verdicts == {}


def test_oneens_counts_only_with_what_does_not_agree_and_the_mentors_name_is_filled_in(school_setup, catalogue):
    account = pupil_account(school_setup["pupil"])
    client, dossier = complete_dossier(account, catalogue)
    own = school_setup["own"]
    client.post(reverse("leerling:opsturen", args=[dossier.pk]), {"mentor": own.pk})
    dossier.refresh_from_db()
    assert dossier.mentor_answers["mentor_naam"] == own.full_name  # filled in for the mentor, who may change it
    assert dossier.mentor_answers["mentor_contact"] in (own.telefoon, own.email)
    mentor = Client()
    mentor.force_login(own)
    url = reverse("mentordeel:invullen", args=[dossier.pk])
    fill_part_b(mentor, url, dossier, disagree="familie")
    dossier.refresh_from_db()
    assert part_b_of(dossier).complete
    data = {"stap": "deel-a", "actie": "blijf"}
    for page in part_b_of(dossier).verdict_pages:
        data[f"oordeel-{page.key}"] = "eens"
    data.update({"oordeel-familie": "oneens", "opmerking-familie": ""})
    mentor.post(url, data)
    dossier.refresh_from_db()
    assert not part_b_of(dossier).complete
    refused = mentor.post(url, {**data, "actie": "terugsturen"})
    assert "oneens met wat er niet klopt" in mentor.get(refused.url).content.decode()
