"""The suite-wide check that no mail carries a BSN recognises one, and leaves password links alone."""

from tests.conftest import bsn_like_numbers


def test_a_bsn_in_a_mail_is_recognised_in_every_spelling():
    assert bsn_like_numbers("Het BSN van Sem is 111222333.")
    assert bsn_like_numbers("bsn: 111 222 333, groep 4A")
    assert bsn_like_numbers("111.222.333")


def test_a_bsn_in_an_address_or_glued_to_a_name_is_recognised():
    assert bsn_like_numbers("GET /leerlingen/?q=111222333")
    assert bsn_like_numbers("Not Found: /x/111222333/")
    assert bsn_like_numbers("bsn=111222333&groep=4A")
    assert bsn_like_numbers("leerling_111222333.pdf") and bsn_like_numbers("sem111222333")


def test_links_phone_numbers_and_other_numbers_are_not_taken_for_a_bsn():
    # A password link's token: a timestamp and 32 hex characters, which may hold 9 digits in a row.
    assert not bsn_like_numbers(
        "https://voroc.example/wachtwoord-herstellen/MTA/cr4k2-3fa0111222333b9c0d1e2f3a4b5c6d7e8f/"
    )
    assert not bsn_like_numbers("sessionid=k3j9x111222333qpz0a7mvn2b8c4d5e6f")
    assert not bsn_like_numbers("Task doorstroom.tasks.send_form[c048a8b9-2e36-45a3-861c-286267408f54] succeeded")
    assert not bsn_like_numbers("Bel 06-12345678 of 070-3156351")
    assert not bsn_like_numbers("Ordernummer 123456789 (geen geldige elfproef)")
