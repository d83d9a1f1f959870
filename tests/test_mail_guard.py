"""The suite-wide check that no mail carries a BSN recognises one, and leaves password links alone."""

from tests.conftest import bsn_like_numbers


def test_a_bsn_in_a_mail_is_recognised_in_every_spelling():
    assert bsn_like_numbers("Het BSN van Sem is 111222333.")
    assert bsn_like_numbers("bsn: 111 222 333, groep 4A")
    assert bsn_like_numbers("111.222.333")


def test_links_phone_numbers_and_other_numbers_are_not_taken_for_a_bsn():
    assert not bsn_like_numbers("https://voroc.example/wachtwoord-herstellen/MTA/cr4k2-111222333/")
    assert not bsn_like_numbers("Bel 06-12345678 of 070-3156351")
    assert not bsn_like_numbers("Ordernummer 123456789 (geen geldige elfproef)")
