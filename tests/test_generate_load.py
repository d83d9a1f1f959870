"""manage.py generate_load: a small region (300 pupils) in the expected proportions, reproducible from its seed,
with BSNs stored as a save stores them, the access rule intact, and no BSN in what the command prints."""

import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import GemeentePostcode, Organisation, OrganisationKind, Role, User
from doorstroom.models import Delivery, Formulier, Snapshot
from gemeente.models import Case, CaseKind
from groups.models import MentorGrant
from notifications.models import Melding
from students import bsn as bsn_crypto
from students.models import Aanmelding, Pupil, SchoolLink, StatusChange
from students.schoolyear import current_school_year
from students.search import search_pupils
from students.selectors import pupils_visible_to
from verzuim.models import VerzuimMelding
from voroc.bench.region import generate

from .conftest import bsn_like_numbers

pytestmark = pytest.mark.django_db


def test_a_small_region_has_every_kind_in_proportion_and_prints_no_bsn():
    out = io.StringIO()
    call_command("generate_load", "--pupils", "300", stdout=out)
    year = current_school_year()
    assert Pupil.objects.filter(school_year=year).count() == 300
    assert Pupil.objects.filter(school_year=year - 1).count() == 285  # Oud leerlingen: 95 %
    assert Organisation.objects.filter(kind=OrganisationKind.VO_SCHOOL).count() == 2  # 60 per 12,000, at least 2
    assert Organisation.objects.filter(kind=OrganisationKind.MBO_SCHOOL).count() == 8
    assert Organisation.objects.filter(kind=OrganisationKind.GEMEENTE).count() == 9
    for role in (Role.DECAAN, Role.ZORGCOORDINATOR, Role.MENTOR, Role.ROC, Role.GEMEENTE):
        assert User.objects.filter(role=role).exists(), role
    assert MentorGrant.objects.count() >= User.objects.filter(role=Role.MENTOR).count()
    # ~25,000 aanmeldingen for 12,000 + 11,400 pupils: about 1.07 per pupil, each with its history.
    per_pupil = Aanmelding.objects.count() / Pupil.objects.count()
    assert 0.9 < per_pupil < 1.3, per_pupil
    assert StatusChange.objects.count() >= Aanmelding.objects.count()
    assert not Aanmelding.objects.filter(history__isnull=True).exists()
    states = set(Formulier.objects.values_list("state", flat=True))
    assert states == set(Formulier.State.values)
    sent = Formulier.objects.filter(state=Formulier.State.VERZONDEN)
    assert Snapshot.objects.count() == sent.count() > 0
    assert Delivery.objects.count() >= sent.count()
    # Sent only where the pupil applied; approved-and-waiting only where the pupil did not apply yet.
    assert not sent.exclude(pupil__aanmeldingen__isnull=False).exists()
    assert not Formulier.objects.filter(state="geaccordeerd", pupil__aanmeldingen__school_year=year).exists()
    assert {c for c in Case.objects.values_list("kind", flat=True)} == set(CaseKind.values)
    assert VerzuimMelding.objects.exists() and SchoolLink.objects.exists()
    assert Melding.objects.count() > Organisation.objects.filter(kind=OrganisationKind.VO_SCHOOL).count()

    text = out.getvalue()
    assert len(text.strip().splitlines()) == 1 and "300 leerlingen" in text
    assert bsn_like_numbers(text) == []


def test_a_second_run_is_refused_unless_added():
    call_command("generate_load", "--pupils", "20", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--add"):
        call_command("generate_load", "--pupils", "20", stdout=io.StringIO())
    call_command("generate_load", "--pupils", "20", "--seed", "7", "--add", stdout=io.StringIO())
    assert Pupil.objects.filter(school_year=current_school_year()).count() == 40


def test_every_bsn_passes_the_elfproef_decrypts_and_is_found_as_a_save_would_store_it():
    bsns: list[str] = []
    generate("haaglanden", pupils=300, bsns_out=bsns)
    with_bsn = list(Pupil.objects.filter(bsn_index__isnull=False))
    assert len(with_bsn) > 0.95 * Pupil.objects.count()
    assert Pupil.objects.filter(no_bsn_code__startswith="GB").exists()  # some pupils without BSN
    decrypted = {bsn_crypto.decrypt(p.bsn_encrypted) for p in with_bsn}
    assert len(decrypted) == len(with_bsn) and decrypted <= set(bsns)
    assert all(bsn_crypto.passes_elfproef(number) for number in decrypted)
    for pupil in random.Random(1).sample(with_bsn, 20):
        number = bsn_crypto.decrypt(pupil.bsn_encrypted)
        assert list(search_pupils(Pupil.objects.all(), number)) == [pupil]
        assert pupil.bsn_index == bsn_crypto.blind_index(number)
        # What a save stores is what the bulk path stored: the model's checks pass, saving changes no derived key.
        pupil.full_clean(validate_unique=False, validate_constraints=False)
        keys = (pupil.search_name, pupil.sort_achternaam, pupil.sort_voornaam, pupil.bsn_index)
        pupil.save()
        pupil.refresh_from_db()
        assert (pupil.search_name, pupil.sort_achternaam, pupil.sort_voornaam, pupil.bsn_index) == keys


def _generated(seed: int) -> tuple[list, list[str]]:
    """Generate, read what was made, and roll it back: a fresh database for the next run."""
    bsns: list[str] = []
    with transaction.atomic():
        generate("haaglanden", seed=seed, pupils=80, bsns_out=bsns)
        rows = list(
            Pupil.objects.order_by("school__code", "leerlingnummer").values_list(
                "school__code", "voornaam", "achternaam", "postcode", "bsn_index", "group__name"
            )
        )
        rows += list(Aanmelding.objects.order_by("pupil__leerlingnummer", "opleiding__crebo").values_list(
            "pupil__leerlingnummer", "opleiding__crebo", "status"
        ))  # fmt: skip
        transaction.set_rollback(True)
    return rows, bsns


def test_the_same_seed_gives_the_same_region():
    first, first_bsns = _generated(11)
    again, again_bsns = _generated(11)
    other, other_bsns = _generated(12)
    assert first == again and first_bsns == again_bsns
    assert first != other and first_bsns != other_bsns


def test_the_access_rule_holds_for_the_generated_users():
    generate("haaglanden", pupils=300)
    year = current_school_year()
    in_view = Pupil.objects.filter(school_year__gte=year - 1)
    decanen = User.objects.filter(role=Role.DECAAN)
    for decaan in decanen:
        linked = SchoolLink.objects.filter(school=decaan.organisation).values("pupil_id")
        own = set(in_view.filter(school=decaan.organisation).values_list("pk", flat=True))
        visible = set(pupils_visible_to(decaan).values_list("pk", flat=True))
        assert own and visible == own | set(in_view.filter(pk__in=linked).values_list("pk", flat=True))
    for mentor in User.objects.filter(role=Role.MENTOR):
        groups = MentorGrant.objects.filter(user=mentor).values("content_object_id")
        assert set(pupils_visible_to(mentor).values_list("pk", flat=True)) == set(
            in_view.filter(group__in=groups, school=mentor.organisation).values_list("pk", flat=True)
        )
    assert any(pupils_visible_to(m).exists() for m in User.objects.filter(role=Role.MENTOR))
    seen = 0
    for officer in User.objects.filter(role=Role.GEMEENTE):
        areas = set(GemeentePostcode.objects.filter(gemeente=officer.organisation).values_list("postcode", flat=True))
        residents = {p.pk for p in in_view.only("pk", "postcode") if p.postcode[:4] in areas}
        visible = set(pupils_visible_to(officer).values_list("pk", flat=True))
        assert visible == residents
        seen += len(visible)
    assert seen == in_view.count()  # every generated pupil lives in one of the region's gemeenten
