"""The BSN: elfproef, normalising, encryption with key ids, the keyed index, rotation, and no plain text at rest."""

import base64
import io
import os

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command

from students import bsn
from students.models import Pupil
from students.services import BsnStatus, check_bsn
from tests.factories import OrganisationFactory, PupilFactory


@pytest.mark.parametrize("value", ["111222333", "123456782", "11122233 3", "1112.22.333"])
def test_elfproef_accepts(value):
    assert bsn.validate(value) == bsn.normalise(value)
    assert len(bsn.validate(value)) == 9


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("123456789", "elfproef"),
        ("000000000", "elfproef"),
        ("12345678a", "format"),
        ("1234567", "format"),
        ("1234567890", "format"),
        ("١١١٢٢٢٣٣٣", "format"),  # Arabic-Indic digits are digits to Python, not to the elfproef
        ("", "required"),
    ],
)
def test_elfproef_refuses_with_a_dutch_message(value, code):
    with pytest.raises(ValidationError) as caught:
        bsn.validate(value)
    assert caught.value.code == code
    message = caught.value.messages[0]
    assert "BSN" in message
    if value:
        assert value not in message  # the message never repeats the number


def test_eight_digits_get_a_leading_zero():
    # 012345672 passes the elfproef; typed without its leading zero it is 8 digits.
    assert bsn.passes_elfproef("012345672")
    assert bsn.normalise("12345672") == "012345672"
    assert bsn.validate("12345672") == "012345672"


def test_encryption_round_trip_with_random_nonce_and_key_id():
    first, second = bsn.encrypt("111222333"), bsn.encrypt("111222333")
    assert first != second  # a fresh nonce each time: equal BSNs do not give equal ciphertexts
    assert "111222333" not in first
    assert bsn.key_id_of(first) == bsn.current_key_id()
    assert bsn.decrypt(first) == bsn.decrypt(second) == "111222333"


def test_tampered_ciphertext_does_not_decrypt():
    token = bsn.encrypt("111222333")
    key_id, payload = token.split(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(ValueError) as caught:
        bsn.decrypt(f"{key_id}:{base64.b64encode(bytes(raw)).decode()}")
    assert "111222333" not in str(caught.value)


def test_blind_index_is_keyed(settings):
    index = bsn.blind_index("111222333")
    assert index == bsn.blind_index("11122233 3")
    assert index != bsn.blind_index("123456782")
    settings.BSN_INDEX_KEY = base64.b64encode(os.urandom(32)).decode()
    assert bsn.blind_index("111222333") != index  # without the key, the index cannot be recomputed


def test_bad_key_configuration_fails_loudly(settings):
    settings.BSN_ENCRYPTION_KEYS = "1:" + base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured):
        bsn.encrypt("111222333")


def new_key_first(settings) -> str:
    new = "2:" + base64.b64encode(os.urandom(32)).decode()
    settings.BSN_ENCRYPTION_KEYS = f"{new},{settings.BSN_ENCRYPTION_KEYS}"
    return new


@pytest.mark.django_db
def test_rotate_bsn_keys_reencrypts_every_row_and_lookups_still_work(settings):
    school = OrganisationFactory()
    pupils = [PupilFactory(school=school, bsn=value) for value in ("111222333", "123456782", "012345672")]
    no_bsn = PupilFactory(school=school, bsn=None)
    old_keys = settings.BSN_ENCRYPTION_KEYS
    assert {bsn.key_id_of(p.bsn_encrypted) for p in Pupil.objects.exclude(bsn_encrypted="")} == {"1"}

    new_key_first(settings)
    settings.BSN_INDEX_KEY = base64.b64encode(os.urandom(32)).decode()  # the index key changes too
    out = io.StringIO()
    call_command("rotate_bsn_keys", "--batch-size", "2", stdout=out)
    assert "3 BSNs re-encrypted with key 2" in out.getvalue()

    # Only the new key is needed from now on.
    settings.BSN_ENCRYPTION_KEYS = settings.BSN_ENCRYPTION_KEYS.split(",")[0]
    assert old_keys not in settings.BSN_ENCRYPTION_KEYS
    for pupil, value in zip(pupils, ("111222333", "123456782", "012345672"), strict=True):
        pupil.refresh_from_db()
        assert bsn.key_id_of(pupil.bsn_encrypted) == "2"
        assert bsn.decrypt(pupil.bsn_encrypted) == value
        found = check_bsn(school=school, bsn=value)
        assert found.status is BsnStatus.IN_OWN_LIST and found.pupil == pupil
    no_bsn.refresh_from_db()
    assert no_bsn.bsn_encrypted == "" and no_bsn.no_bsn_code


@pytest.mark.django_db
def test_demo_database_dump_holds_no_plaintext_bsn(demo_pupils):
    known = [bsn.decrypt(p.bsn_encrypted) for p in Pupil.objects.exclude(bsn_encrypted="")]
    assert len(known) > 200
    out = io.StringIO()
    call_command("dumpdata", "students", "groups", "accounts", stdout=out)
    dump = out.getvalue()
    assert "bsn_encrypted" in dump  # the dump does hold the pupils
    leaked = [value for value in known if value in dump or value.lstrip("0") in dump]
    assert leaked == []


@pytest.mark.django_db
def test_pupil_repr_and_str_carry_no_bsn():
    pupil = Pupil(voornaam="Sem", achternaam="Jansen")
    pupil.set_bsn("111222333")
    assert "111222333" not in repr(pupil) + str(pupil) + pupil.bsn_encrypted + (pupil.bsn_index or "")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("BSN 111222333 van de leerling", ["111222333"]),
        ("1112.22.333 en 111 222 333 en 111-22-2333", ["1112.22.333", "111 222 333", "111-22-2333"]),
        ("nr.111222333.", ["111222333"]),
        ("123456789 faalt de elfproef", []),
        ("telefoon 070 123 4567, ordernummer 1112223330", []),
        ("11222333 (acht cijfers) telt alleen als er een nul kan zijn weggevallen", []),
    ],
)
def test_numbers_that_could_be_a_bsn_are_found_in_free_text(text, found):
    assert bsn.bsn_like_numbers(text) == found


def test_a_date_is_not_taken_for_a_bsn_whose_leading_zero_was_lost():
    # 2026-12-02 and 12-01-2026 without dashes, with a zero in front, pass the elfproef.
    assert bsn.passes_elfproef("020261202") and bsn.passes_elfproef("012012026")
    for text in (
        "terugkoppeling-2026-12-02.csv",
        "levering 20261202.csv",
        "12-01-2026 export.csv",
        "12012026-export.csv",
    ):
        assert bsn.bsn_like_numbers(text, leading_zero_lost=True) == [], text
        assert bsn.mask_bsn_like(text) == text, text
    # the same digits that are no date, as a spreadsheet leaves a BSN that began with 0: masked
    assert bsn.passes_elfproef("012345672")
    assert bsn.mask_bsn_like("leerling 12345672.csv") == "leerling •••••••••.csv"
    assert bsn.mask_bsn_like("van 111-22-2333 en 1112.22.333") == "van ••••••••• en •••••••••"
