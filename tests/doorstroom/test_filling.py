"""Filling in: Verder/Terug keep what is typed, Opslaan saves (also incomplete), Annuleer goes back to the last
save, invalid input is kept and named, conditional steps come and go, each role edits what it may."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstroom.models import FormDraft, FormRevision, Formulier
from tests.conftest import login_as
from tests.doorstroom.conftest import posted, step_data
from tests.doorstroom.helpers import complete_form, make_form


def form_url(pupil, step: str = "") -> str:
    url = reverse("doorstroom:formulier", args=[pupil.pk])
    return f"{url}?stap={step}" if step else url


@pytest.mark.django_db
def test_verder_keeps_what_is_typed_and_only_opslaan_saves_it(mentor, pupil):
    response = mentor.post(form_url(pupil), step_data("vooropleiding", "verder", schoolsoort="vmbo", leerweg="kb"))
    assert response.status_code == 302 and response.url == form_url(pupil, "loopbaan")
    form = Formulier.objects.get(pupil=pupil)
    assert form.answers == {} and form.state == Formulier.State.NIEUW  # not saved yet
    page = mentor.get(form_url(pupil, "vooropleiding")).content.decode()
    assert 'value="kb" class="form-check-input" id="id_a-leerweg_1" checked' in page
    assert 'data-testid="unsaved"' in page
    mentor.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="Verpleegkundige"))
    form.refresh_from_db()
    assert form.answers == {"schoolsoort": "vmbo", "leerweg": "kb", "beroepswens": "Verpleegkundige"}
    assert form.state == Formulier.State.DEELS and 0 < form.percent < 100
    assert not FormDraft.objects.exists()
    revision = FormRevision.objects.get(form=form, action=FormRevision.Action.SAVED)
    assert set(revision.fields) == {"schoolsoort", "leerweg", "beroepswens"} and revision.user_name == "Sanne de Vries"


@pytest.mark.django_db
def test_annuleer_restores_the_last_save(mentor, pupil):
    mentor.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="Kok"))
    mentor.post(form_url(pupil), step_data("loopbaan", "verder", beroepswens="Bakker"))
    assert "Bakker" in mentor.get(form_url(pupil, "loopbaan")).content.decode()
    # Annuleer asks first, naming what would be lost (also what was typed on this page) …
    asked = mentor.post(form_url(pupil), step_data("loopbaan", "annuleer", beroepswens="Bakker en kok"))
    page = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm-cancel"' in page
    assert "Loopbaan en opleidingskeuze › Beroepswens" in page and "Bakker en kok" in page
    # … the pupil's page tells of the unsaved input meanwhile …
    pupil_page = mentor.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert 'data-testid="form-panel-unsaved"' in pupil_page
    # … and only then goes back to the last save.
    response = mentor.post(form_url(pupil), step_data("loopbaan", "annuleer-ja", beroepswens="Bakker en kok"))
    assert response.url == reverse("students:leerling", args=[pupil.pk])
    pupil_page = mentor.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert 'data-testid="form-panel-unsaved"' not in pupil_page
    assert Formulier.objects.get(pupil=pupil).answers["beroepswens"] == "Kok"
    page = mentor.get(form_url(pupil, "loopbaan")).content.decode()
    assert "\nKok</textarea>" in page and "Bakker" not in page


@pytest.mark.django_db
def test_annuleer_also_restores_the_attachments_and_opslaan_keeps_them(client, mentor, demo, pupil):
    """An attachment added or removed while filling in is part of the working copy, like typed input."""
    from audit.models import AuditEntry
    from doorstroom.models import Attachment
    from tests.doorstroom.helpers import pdf_file

    form = make_form(pupil, answers={"beroepswens": "Kok"})  # with a saved LOB-paspoort
    paspoort = form.attachments.get()

    def post(step: str, action: str, **files):
        data = posted(pupil, step, action)
        data.update({f"a-{key}": value for key, value in files.items()})
        return mentor.post(form_url(pupil), data)

    post("akkoord", "blijf", bijlagen=pdf_file("verslag.pdf"))
    post("loopbaan", f"bijlage-weg-ja:{paspoort.pk}")
    page = mentor.get(form_url(pupil, "akkoord")).content.decode()
    assert "verslag.pdf" in page and 'data-testid="attachment-unsaved"' in page and 'data-testid="unsaved"' in page
    assert paspoort.name not in mentor.get(form_url(pupil, "loopbaan")).content.decode()
    assert list(form.attachments.values_list("name", flat=True)) == [paspoort.name]  # the form: as saved
    # Someone else reading the form sees what is saved, and cannot fetch the unsaved file.
    added = Attachment.with_pending.get(name="verslag.pdf")
    login_as(client, demo["decaan.vo1"])
    assert client.get(reverse("doorstroom:bijlage", args=[added.pk])).status_code == 404
    assert client.get(reverse("doorstroom:bijlage", args=[paspoort.pk])).status_code == 200
    login_as(mentor, demo["mentor.vo1"])
    assert mentor.get(reverse("doorstroom:bijlage", args=[added.pk])).status_code == 200  # who added it: yes

    asked = post("akkoord", "annuleer").content.decode()
    assert "bijlage toegevoegd: verslag.pdf" in asked and f"bijlage verwijderd: {paspoort.name}" in asked
    post("akkoord", "annuleer-ja")
    assert list(Attachment.with_pending.values_list("name", flat=True)) == [paspoort.name]
    assert not FormDraft.objects.exists()
    assert paspoort.name in mentor.get(form_url(pupil, "loopbaan")).content.decode()

    # The same changes, now saved: both count, each in the form's history and in the audit log.
    post("akkoord", "blijf", bijlagen=pdf_file("verslag.pdf"))
    post("loopbaan", f"bijlage-weg-ja:{paspoort.pk}")
    post("loopbaan", "opslaan")
    assert list(Attachment.with_pending.values_list("name", "pending_for")) == [("verslag.pdf", None)]
    actions = list(FormRevision.objects.filter(form=form).values_list("action", "note"))
    assert (FormRevision.Action.ATTACHED, "verslag.pdf") in actions
    assert (FormRevision.Action.DETACHED, paspoort.name) in actions
    assert set(FormRevision.objects.filter(action=FormRevision.Action.SAVED).get().fields) == {
        "bijlagen",
        "lob_paspoort",
    }
    change = AuditEntry.objects.filter(pupil_id=pupil.pk, action="change").latest("pk")
    assert "LOB-paspoort" in change.fields and "Overige bijlagen" in change.fields, change.fields
    form.refresh_from_db()
    assert form.state == Formulier.State.DEELS  # the required LOB-paspoort is missing now


@pytest.mark.django_db
def test_input_that_is_not_valid_is_kept_named_and_not_saved(mentor, pupil):
    data = step_data("akkoord", "opslaan", datum_bespreking="31-02-2026", opmerkingen="Graag warme overdracht")
    mentor.post(form_url(pupil), data)
    form = Formulier.objects.get(pupil=pupil)
    assert form.answers == {"opmerkingen": "Graag warme overdracht"}  # the valid field is saved
    page = mentor.get(form_url(pupil, "akkoord")).content.decode()
    assert "Niet opgeslagen, want nog niet goed ingevuld" in page and "Datum van de bespreking" in page
    # The heading says first that not everything was kept (not "Opgeslagen").
    assert "Deels opgeslagen: 1 veld nog niet" in page and ">Opgeslagen<" not in page
    assert "Deze datum bestaat niet of is anders geschreven. Typ dag-maand-jaar, bijvoorbeeld 20-11-2026." in page
    same = {"datum_bespreking": "31-02-2026", "opmerkingen": "Graag warme overdracht"}
    mentor.post(form_url(pupil), step_data("akkoord", "opslaan", **same))
    assert "Niet opgeslagen · " in mentor.get(form_url(pupil, "akkoord")).content.decode()
    # As typed, with its error; as text, since a browser would empty a date field it cannot read.
    assert 'type="text" name="a-datum_bespreking" value="31-02-2026"' in page and 'aria-invalid="true"' in page
    # Verder does not go on while the step has such input, and says why.
    response = mentor.post(form_url(pupil), step_data("akkoord", "verder", datum_bespreking="31-02-2026"))
    assert response.url == form_url(pupil, "akkoord")
    assert "rood gemarkeerde velden" in mentor.get(response.url).content.decode()
    # Once it is right, it is saved.
    held = timezone.localdate() - datetime.timedelta(days=3)
    mentor.post(form_url(pupil), step_data("akkoord", "opslaan", datum_bespreking=held.strftime("%d-%m-%Y")))
    assert Formulier.objects.get(pupil=pupil).answers["datum_bespreking"] == held.isoformat()


@pytest.mark.django_db
def test_required_fields_carry_an_asterisk_and_help_text(mentor, pupil):
    page = mentor.get(form_url(pupil, "vooropleiding")).content.decode()
    assert 'Schoolsoort<span class="asteriskField" aria-hidden="true">*</span>' in page
    assert "Velden met een * zijn verplicht" in page
    assert "Past de leerling in meer dan één sector, kies dan &#x27;Intersectoraal&#x27;." in page
    assert re.search(r'data-testid="step-percent"[^>]*>0% ingevuld', page)


@pytest.mark.django_db
def test_saving_an_incomplete_form_says_what_is_missing_per_step(mentor, pupil):
    mentor.post(form_url(pupil), step_data("vooropleiding", "opslaan", schoolsoort="vmbo"))
    page = mentor.get(form_url(pupil, "vooropleiding")).content.decode()
    assert "Het formulier is nog niet volledig" in page
    missing = page[page.index('data-testid="missing-per-step"') :]
    missing = missing[: missing.index("</ul>")]
    assert "Vooropleiding</button>: Leerweg, Verwacht diploma, Verwachting voor het examen" in missing
    assert "Competenties</button>: Samenwerken en overleggen" in missing
    assert "Doelgroep" not in missing  # a doelgroep step that is not shown asks nothing


@pytest.mark.django_db
def test_saving_a_complete_form_says_so_and_offers_the_pdf(mentor, pupil):
    form = complete_form(pupil)
    assert form.state == Formulier.State.COMPLEET
    mentor.post(form_url(pupil), posted(pupil, "advies", "opslaan", sterke_punten="Zorgzaam"))
    page = mentor.get(form_url(pupil, "advies")).content.decode()
    assert "Het doorstroomformulier is volledig ingevuld" in page
    assert f'{reverse("doorstroom:pdf", args=[pupil.pk])}?versie=1" data-testid="result-pdf"' in page
    assert "De decaan accordeert het" in page  # a mentor does not approve


@pytest.mark.django_db
def test_a_doelgroep_step_appears_and_disappears_with_its_answer(mentor, pupil):
    response = mentor.post(form_url(pupil), step_data("aandachtspunten", "verder", doelgroep="isk"))
    assert response.url == form_url(pupil, "doelgroep_isk")  # without JavaScript: after Verder
    page = mentor.get(response.url).content.decode()
    assert '<li data-step="doelgroep_isk" data-show-if=' in page and "Verblijfsduur in Nederland" in page
    mentor.post(form_url(pupil), step_data("doelgroep_isk", "opslaan", isk_taalniveau="a2"))
    isk = Formulier.objects.get(pupil=pupil)
    mentor.post(form_url(pupil), step_data("aandachtspunten", "opslaan", doelgroep="geen"))
    geen = Formulier.objects.get(pupil=pupil)
    page = mentor.get(form_url(pupil, "aandachtspunten")).content.decode()
    nav = page[page.index('data-step="doelgroep_isk"') :][:200]
    assert "hidden" in nav
    # The ISK answer is kept (nothing lost) but no longer counts: one required field fewer to fill in.
    assert geen.answers["isk_taalniveau"] == "a2"
    from doorstroom.selectors import progress_of

    assert progress_of(isk).required == progress_of(geen).required + 2
    assert progress_of(isk).filled == progress_of(geen).filled + 1


@pytest.mark.django_db
def test_the_zorgcoordinator_reads_everything_and_edits_only_the_care_steps(client, demo, pupil):
    login_as(client, demo["zorg.vo1"])
    page = client.get(form_url(pupil, "vooropleiding")).content.decode()
    assert 'data-testid="step-read-only"' in page and 'name="a-schoolsoort"' not in page
    client.post(form_url(pupil), step_data("vooropleiding", "opslaan", schoolsoort="havo"))
    client.post(form_url(pupil), step_data("ondersteuning", "opslaan", dyslexieverklaring="ja"))
    answers = Formulier.objects.get(pupil=pupil).answers
    assert answers == {"dyslexieverklaring": "ja"}
    page = client.get(form_url(pupil, "ondersteuning")).content.decode()
    assert 'name="a-dyslexieverklaring"' in page and "Zorgstap" in page


@pytest.mark.django_db
def test_two_users_at_once_nothing_is_overwritten_unseen(client, demo, pupil):
    from django.test import Client

    mentor, decaan = Client(), Client()
    login_as(mentor, demo["mentor.vo1"])
    login_as(decaan, demo["decaan.vo1"])
    mentor.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="Kok"))
    decaan.post(
        form_url(pupil), step_data("loopbaan", "verder", beroepswens="Kok en bakker", motivatie="Houdt van koken")
    )
    mentor.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="Zelfstandig kok"))
    decaan.post(form_url(pupil), step_data("advies", "opslaan", mentor_naam="S. de Vries"))
    answers = Formulier.objects.get(pupil=pupil).answers
    # The decaan's other changes are saved; the field the mentor changed meanwhile keeps the mentor's value …
    assert answers["beroepswens"] == "Zelfstandig kok"
    assert answers["motivatie"] == "Houdt van koken" and answers["mentor_naam"] == "S. de Vries"
    # … and the decaan is told, with both values, and still has their own input to choose from.
    page = decaan.get(form_url(pupil, "loopbaan")).content.decode()
    assert "Iemand anders heeft intussen deze velden opgeslagen" in page
    assert "opgeslagen “Zelfstandig kok”, uw invoer “Kok en bakker”" in page
    decaan.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="Kok en bakker"))
    assert Formulier.objects.get(pupil=pupil).answers["beroepswens"] == "Zelfstandig kok"  # not without a choice
    decaan.post(
        form_url(pupil), {**step_data("loopbaan", "opslaan", beroepswens="Kok en bakker"), "keuze-beroepswens": "mijn"}
    )
    assert Formulier.objects.get(pupil=pupil).answers["beroepswens"] == "Kok en bakker"


@pytest.mark.django_db
def test_repeatable_rows_are_added_and_removed(mentor, pupil):
    page = mentor.post(form_url(pupil), step_data("ervaring", "rij:stages")).content.decode()
    assert 'name="a-stages-0-bedrijf"' in page  # one empty row to fill in
    rows = [
        {"bedrijf": "Albert Heijn", "plaats": "Den Haag", "werkzaamheden": "Vakkenvullen", "periode": "2025"},
        {"bedrijf": "Garage Van Leeuwen", "plaats": "Rijswijk", "werkzaamheden": "", "periode": ""},
    ]
    mentor.post(form_url(pupil), step_data("ervaring", "opslaan", stages=rows))
    assert [r["bedrijf"] for r in Formulier.objects.get(pupil=pupil).answers["stages"]] == [
        "Albert Heijn",
        "Garage Van Leeuwen",
    ]
    mentor.post(form_url(pupil), step_data("ervaring", "rij-weg:stages:0", stages=rows))
    mentor.post(form_url(pupil), step_data("ervaring", "opslaan", stages=rows[1:]))
    assert Formulier.objects.get(pupil=pupil).answers["stages"] == [
        {"bedrijf": "Garage Van Leeuwen", "plaats": "Rijswijk"}
    ]
    # A row without its required column is not saved, and says which column.
    bad = [{"bedrijf": "", "plaats": "Delft", "werkzaamheden": "Helpen", "periode": ""}]
    mentor.post(form_url(pupil), step_data("ervaring", "opslaan", stages=bad))
    page = mentor.get(form_url(pupil, "ervaring")).content.decode()
    assert "Vul “Bedrijf” in, of verwijder deze stage." in page and 'value="Delft"' in page


@pytest.mark.django_db
def test_changing_an_approved_form_drops_the_approval(client, demo, pupil):
    from doorstroom.services import approve

    form = complete_form(pupil)
    approve(form=form, by=demo["decaan.vo1"])  # no aanmelding yet: approved, waiting to be sent
    login_as(client, demo["mentor.vo1"])
    client.post(form_url(pupil), posted(pupil, "advies", "opslaan", sterke_punten="Doorzetter"))
    form.refresh_from_db()
    assert form.state == Formulier.State.COMPLEET and form.approved_at is None
    assert FormRevision.objects.filter(form=form, action=FormRevision.Action.APPROVAL_DROPPED).exists()
    assert "De accordering is vervallen" in client.get(form_url(pupil, "advies")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["mentor.vo2", "decaan.vo2", "roc.mbo1", "gemeente.delft"])
def test_outside_the_scope_the_form_does_not_exist(client, demo, pupil, username):
    make_form(pupil, answers={"beroepswens": "Kok"})
    login_as(client, demo[username])
    assert client.get(form_url(pupil)).status_code == 404
    assert client.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="X")).status_code == 404
    assert Formulier.objects.get(pupil=pupil).answers == {"beroepswens": "Kok"}


@pytest.mark.django_db
def test_the_gemeente_of_the_address_sees_the_state_of_the_form_but_not_the_form(client, demo, pupil):
    """The pupil lives in Den Haag: its gemeente has the pupil in scope, reads nothing of the form (403) and sees
    only its state on the pupil's page."""
    make_form(pupil, answers={"beroepswens": "Kok"})
    login_as(client, demo["gemeente.denhaag"])
    assert client.get(form_url(pupil)).status_code == 403
    assert client.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="X")).status_code == 403
    assert client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).status_code == 403
    assert client.get(reverse("doorstroom:pdf", args=[pupil.pk])).status_code == 403
    assert Formulier.objects.get(pupil=pupil).answers == {"beroepswens": "Kok"}
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert 'data-testid="form-panel-state"' in page and 'data-testid="form-state-only"' in page
    assert reverse("doorstroom:bekijken", args=[pupil.pk]) not in page and "Kok" not in page


@pytest.mark.django_db
def test_a_mentor_of_another_group_gets_404(client, demo, pupil, school):
    from tests.factories import GroupFactory, PupilFactory

    stranger = PupilFactory(school=school, group=GroupFactory(school=school, name="4C"))
    login_as(client, demo["mentor.vo1"])
    assert client.get(form_url(stranger)).status_code == 404
    assert client.get(form_url(pupil)).status_code == 200


@pytest.mark.django_db
def test_every_save_tells_which_fields_changed_from_what_to_what(mentor, pupil):
    from doorstroom.signals import form_saved

    heard = []

    def listen(sender, form, user, changes, **kwargs):
        heard.append((user.username, [(c.key, c.old, c.new) for c in changes]))

    form_saved.connect(listen)
    try:
        mentor.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="Kok"))
        mentor.post(form_url(pupil), posted(pupil, "loopbaan", "opslaan", beroepswens="Bakker"))
        mentor.post(form_url(pupil), posted(pupil, "loopbaan", "opslaan"))  # nothing changed: nothing heard
    finally:
        form_saved.disconnect(listen)
    assert heard == [
        ("mentor.vo1", [("beroepswens", None, "Kok")]),
        ("mentor.vo1", [("beroepswens", "Kok", "Bakker")]),
    ]


@pytest.mark.django_db
def test_a_bsn_typed_in_free_text_is_not_saved_and_says_why(mentor, pupil):
    """Free text goes to the mbo; a BSN never does. What was typed stays, marked, to be corrected."""
    typed = "Dossier 111 222 333 bij de vorige school opvragen"
    mentor.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="Kok", lob_toelichting=typed))
    form = Formulier.objects.get(pupil=pupil)
    assert form.answers == {"beroepswens": "Kok"}
    page = mentor.get(form_url(pupil, "loopbaan")).content.decode()
    # Shown again with the number masked: the rest of what was typed is not lost, the BSN is not kept anywhere.
    assert "Hier staat een nummer dat een BSN lijkt" in page and "Dossier ••••••••• bij de vorige school" in page
    assert "111 222 333" not in page and "111 222 333" not in str(FormDraft.objects.get().invalid)
    mentor.post(form_url(pupil), step_data("loopbaan", "opslaan", lob_toelichting="Dossier ••••••••• opvragen"))
    assert "lob_toelichting" not in Formulier.objects.get(pupil=pupil).answers  # the mask is no answer either
    rows = [{"bedrijf": "Bakkerij 123456782", "plaats": "Delft", "werkzaamheden": "Brood", "periode": "2026"}]
    mentor.post(form_url(pupil), step_data("stages", "opslaan", stages=rows))
    assert "stages" not in Formulier.objects.get(pupil=pupil).answers


@pytest.mark.django_db
def test_a_nul_character_is_dropped_and_the_rest_of_the_input_kept(mentor, pupil):
    """A NUL character (pasted from a broken document) is invisible, so nobody could find and remove it, and
    PostgreSQL cannot hold it: it is left out, and what was typed around it is saved or kept as typed."""
    response = mentor.post(form_url(pupil), step_data("loopbaan", "opslaan", beroepswens="Ko\x00k"))
    assert response.status_code == 302
    assert Formulier.objects.get(pupil=pupil).answers == {"beroepswens": "Kok"}
    rows = [{"bedrijf": "Bak\x00kerij", "plaats": "Delft", "werkzaamheden": "Brood", "periode": "2026"}]
    assert mentor.post(form_url(pupil), step_data("ervaring", "opslaan", stages=rows)).status_code == 302
    assert Formulier.objects.get(pupil=pupil).answers["stages"][0]["bedrijf"] == "Bakkerij"
    # Input that is kept as typed (not valid yet) holds no NUL character either; nor does "Verwijder" on a row.
    bad = {"bedrijf": "", "plaats": "Del\x00ft", "werkzaamheden": "", "periode": ""}
    mentor.post(form_url(pupil), step_data("ervaring", "opslaan", stages=[*rows, bad]))
    assert "Delft" in str(FormDraft.objects.get().invalid)
    garage = {"bedrijf": "Garage 123456782\x00", "plaats": "", "werkzaamheden": "", "periode": ""}
    mentor.post(form_url(pupil), step_data("ervaring", "rij-weg:stages:0", stages=[*rows, garage, bad]))
    kept = str(FormDraft.objects.get().invalid)
    assert "\\x00" not in kept and "123456782" not in kept and "Garage •••••••••" in kept and "Delft" in kept


@pytest.mark.django_db
def test_annuleer_without_unsaved_input_goes_back_at_once(mentor, pupil):
    make_form(pupil, answers={"beroepswens": "Kok"})
    response = mentor.post(form_url(pupil), posted(pupil, "loopbaan", "annuleer"))
    assert response.status_code == 302 and response.url == reverse("students:leerling", args=[pupil.pk])


@pytest.mark.django_db
def test_a_decaan_is_led_from_the_pupil_page_to_approve_a_complete_form(client, demo, pupil):
    login_as(client, demo["decaan.vo1"])
    make_form(pupil, answers={"beroepswens": "Kok"})
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert "Bekijken en accorderen" not in page  # not complete yet
    Formulier.objects.all().delete()
    complete_form(pupil)
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert "Bekijken en accorderen" in page and reverse("doorstroom:bekijken", args=[pupil.pk]) + "#accorderen" in page
    login_as(client, demo["mentor.vo1"])  # a mentor does not approve
    assert "Bekijken en accorderen" not in client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()


@pytest.mark.django_db
def test_a_date_outside_its_window_is_refused_with_the_window_named(mentor, pupil):
    """The declaration bounds dates: a discussion is not held in the future, a test is of the last two years."""
    today = timezone.localdate()
    future = (today + datetime.timedelta(days=1)).strftime("%d-%m-%Y")
    mentor.post(form_url(pupil), step_data("akkoord", "opslaan", datum_bespreking=future))
    assert "datum_bespreking" not in Formulier.objects.get(pupil=pupil).answers
    assert "Deze datum ligt in de toekomst" in mentor.get(form_url(pupil, "akkoord")).content.decode()
    long_ago = today - datetime.timedelta(days=800)
    rows = [{"soort": "Faalangsttest", "datum": long_ago.strftime("%d-%m-%Y")}]
    mentor.post(form_url(pupil), step_data("ondersteuning", "opslaan", testen=rows))
    assert "testen" not in Formulier.objects.get(pupil=pupil).answers
    assert "Deze datum ligt te ver terug" in mentor.get(form_url(pupil, "ondersteuning")).content.decode()
    rows = [{"soort": "Faalangsttest", "datum": (today - datetime.timedelta(days=100)).strftime("%d-%m-%Y")}]
    mentor.post(form_url(pupil), step_data("ondersteuning", "opslaan", testen=rows))
    assert Formulier.objects.get(pupil=pupil).answers["testen"][0]["soort"] == "Faalangsttest"


@pytest.mark.django_db
def test_terug_and_the_step_list_move_between_the_shown_steps_only(mentor, pupil):
    response = mentor.post(form_url(pupil), step_data("loopbaan", "terug", beroepswens="Kok"))
    assert response.url == form_url(pupil, "vooropleiding")
    response = mentor.post(form_url(pupil), step_data("vooropleiding", "naar:competenties"))
    assert response.url == form_url(pupil, "competenties")
    # A doelgroep step that is not shown (no doelgroep chosen) cannot be jumped to: the user stays.
    response = mentor.post(form_url(pupil), step_data("competenties", "naar:doelgroep_isk"))
    assert response.url == form_url(pupil, "competenties")
    # Nothing typed on the way was lost, nor saved.
    assert "Kok" in mentor.get(form_url(pupil, "loopbaan")).content.decode()
    assert Formulier.objects.get(pupil=pupil).answers == {}


@pytest.mark.django_db
def test_the_zorgcoordinator_starts_at_the_first_step_she_fills_in(client, demo, pupil):
    login_as(client, demo["zorg.vo1"])
    page = client.get(form_url(pupil)).content.decode()
    assert 'id="stap-titel"' in page and "Aandachtspunten</h2>" in page.split('id="stap-titel"')[1][:400]


@pytest.mark.django_db
def test_a_number_with_a_comma_is_refused_not_read_as_ten_times_more(mentor, pupil):
    """Uren verzuim: a text field with a numeric keyboard (a browser's number field drops the comma of "12,5" and
    sends 125); the comma reaches the server and is refused with the reason, what was typed kept."""
    data = step_data("verzuim", "opslaan", verzuim_mate="ongeoorloofd", verzuim_uren="12,5")
    mentor.post(form_url(pupil), data)
    assert "verzuim_uren" not in Formulier.objects.get(pupil=pupil).answers
    page = mentor.get(form_url(pupil, "verzuim")).content.decode()
    assert "Vul een heel getal in, zonder komma of punt (bijvoorbeeld 12)." in page
    assert 'inputmode="numeric"' in page and 'value="12,5"' in page and 'type="number"' not in page
    mentor.post(form_url(pupil), step_data("verzuim", "opslaan", verzuim_mate="ongeoorloofd", verzuim_uren="12"))
    assert Formulier.objects.get(pupil=pupil).answers["verzuim_uren"] == 12


@pytest.mark.django_db
def test_geen_in_a_multiple_choice_stands_alone(mentor, pupil):
    """ "Geen bijzondere aandachtspunten" together with "Plannen" says two things: refused with the reason."""
    data = step_data("aandachtspunten", "opslaan", doelgroep="geen", aandachtspunten_lijst=["geen", "plannen"])
    mentor.post(form_url(pupil), data)
    assert "aandachtspunten_lijst" not in Formulier.objects.get(pupil=pupil).answers
    page = mentor.get(form_url(pupil, "aandachtspunten")).content.decode()
    assert "“Geen bijzondere aandachtspunten” kan niet samen met een andere keuze" in page
    mentor.post(form_url(pupil), step_data("aandachtspunten", "opslaan", aandachtspunten_lijst=["geen"]))
    assert Formulier.objects.get(pupil=pupil).answers["aandachtspunten_lijst"] == ["geen"]


def test_row_buttons_with_a_number_that_is_no_number_change_nothing(mentor, pupil):
    """ "²" passes str.isdigit: a row index or a count of such characters is ignored, never a 500."""
    for action, extra in (("rij-weg:stages:²", {}), ("rij:stages", {"a-stages-TOTAL_FORMS": "abc"})):
        data = {**step_data("ervaring", action), "a-stages-TOTAL_FORMS": "0", "a-stages-INITIAL_FORMS": "0", **extra}
        assert mentor.post(form_url(pupil), data).status_code in (200, 302)
