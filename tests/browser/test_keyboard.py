"""A keyboard and screen-reader user: the header tabs show where the focus is, a pop-up gives the focus back to
the button that opened it, and the diploma and extra-aandacht icons are told apart by shape and read out."""

from playwright.sync_api import expect

from students.models import Pupil

from .helpers import login


def test_focus_ring_pop_up_focus_and_icons_read_out(page, demo_live, demo_pw, axe, shot):
    base = demo_live.url
    login(page, base, "decaan.vo1", demo_pw)

    # The header tabs: the focused tab has a visible ring (it had none).
    tab = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leerling overzicht")
    tab.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = tab.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    shot("160-focus-op-tabblad")

    # A pop-up opened with the keyboard gives the focus back to its button when it closes.
    pupil = Pupil.objects.filter(school__code="00AA").order_by("pk").first()
    page.goto(f"{base}/leerlingen/{pupil.pk}/")
    opener = page.get_by_test_id("edit-extra-aandacht")
    opener.focus()
    page.keyboard.press("Enter")
    modal = page.locator("#voroc-modal")
    expect(modal).to_be_visible()
    # Escape closes the pop-up once it holds the focus (on a busy machine that can take a moment after it shows).
    page.wait_for_function("document.getElementById('voroc-modal').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()
    # The pop-up is hidden before its backdrop has faded; the focus comes back when that is done: wait for it.
    expect(opener).to_be_focused()

    # The overview's icons are read out, and differ by shape (a check or a cross on the cap), not only colour.
    page.goto(f"{base}/leerlingen/?groep=alle")
    row_text = page.get_by_test_id("pupil-row").first.inner_text()
    assert (
        "vmbo-diploma" in page.get_by_test_id("pupil-row").first.locator(".visually-hidden").all_inner_texts().__str__()
    )
    assert row_text
    assert axe() == []
