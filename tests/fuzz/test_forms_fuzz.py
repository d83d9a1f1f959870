"""Every form of VOROC under arbitrary input (hypothesis): never a server error, and nothing typed is lost.

The forms are found, not listed: every page of the access matrix that opens (200) for some role is fetched,
and each form on it that posts is filled with generated values and posted by that role. A new screen with a
form is fuzzed without anyone adding it here.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import login_as
from tests.test_access_matrix import SPEC, objects, objects_snapshot, url_for  # noqa: F401  (the fixtures)

# Forms of the page frame, not of the screen (logging out, choosing a language).
FRAME_ACTIONS = ("/uitloggen/", "/i18n/")
PREFERRED_ROLES = ("decaan.vo1", "beheerder.vo1", "mentor.vo1", "zorg.vo1", "roc.mbo1", "gemeente.denhaag")
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "99999999999999999999999",
    "2026-02-30",
    "31-12-1899",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "\x00",
    "é" * 400,
    "111222333",
    "Ö' \" & <b>",
]
TEXT_KINDS = {"text", "search", "email", "tel", "number", "date", "url", "textarea", "hidden", "password"}


class FormFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": [],
                "buttons": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._form["fields"].append(
                {"name": a["name"], "kind": (a.get("type") or "text").lower(), "value": a.get("value") or ""}
            )
        elif tag == "button" and a.get("name") and (a.get("type") or "submit").lower() == "submit":
            self._form["buttons"].append((a["name"], a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self._form["fields"].append({"name": a["name"], "kind": "textarea", "value": ""})
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "kind": "select", "options": [], "multiple": "multiple" in a}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def pages_with_forms() -> list[tuple[str, str]]:
    """(url name, role) for every screen that opens with GET for some role."""
    found = []
    for name, (method, _kind, own, _other) in SPEC.items():
        if method != "GET" or name in ("root", "favicon", "accounts:logout", "accounts:password_reset_sent"):
            continue
        role = next((r for r in PREFERRED_ROLES if own.get(r) == 200), None)
        role = role or next((r for r in own if r != "anon" and own[r] == 200), None)
        if role is None and own.get("anon") == 200:
            role = "anon"
        if role is not None:
            found.append((name, role))
    return found


def value_for(field: dict) -> st.SearchStrategy:
    if field["kind"] == "select":
        choice = st.one_of(st.sampled_from(field["options"] or [""]), st.text(max_size=12))
        return st.lists(choice, max_size=3) if field["multiple"] else choice
    if field["kind"] in ("checkbox", "radio"):
        return st.one_of(st.just(field["value"]), st.none(), st.text(max_size=8))
    if field["name"] == "csrfmiddlewaretoken":
        return st.just(field["value"])
    return st.one_of(st.just(field["value"]), st.sampled_from(NASTY), st.text(max_size=200))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), pages_with_forms())
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples in every run: CI stays repeatable, a failure can be replayed
)
@given(data=st.data())
def test_no_form_answers_a_server_error_and_what_was_typed_comes_back(client, demo_pupils, objects, name, role, data):  # noqa: F811
    # Every example starts from the same database: what one example stored (a report made once, a remark) is rolled
    # back, so the next sees the same page and draws the same fields (and a failure replays). Its session went with
    # it: the next example starts without the cookie, and without the cached copy (cached_db sessions on Redis).
    client.cookies.clear()
    cache.clear()
    with transaction.atomic():
        _fuzz_one_page(client, demo_pupils, objects, name, role, data)
        transaction.set_rollback(True)


def _fuzz_one_page(client, demo_pupils, objects, name, role, data):  # noqa: F811
    client.raise_request_exception = False
    if role != "anon":
        login_as(client, demo_pupils[role])
    kind = SPEC[name][1]
    kind_key = {"group-query": "group", "xlsx-query": "-"}.get(kind, kind)
    url = url_for(name, kind, objects.get(kind_key, (None, None))[0])
    page = client.get(url)
    if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
        return  # gone meanwhile (a fuzzed delete), or a file
    finder = FormFinder()
    finder.feed(page.content.decode())
    forms = [f for f in finder.forms if f["method"] == "post" and not f["action"].startswith(FRAME_ACTIONS)]
    for form in forms:
        posted = {}
        for field in form["fields"]:
            if field["kind"] in ("submit", "button", "file", "image", "reset"):
                continue
            value = data.draw(value_for(field), label=field["name"])
            if value is not None:
                posted[field["name"]] = value
        response = client.post(form["action"] or url, posted)
        assert response.status_code < 500, (name, form["action"], response.status_code)
        if response.status_code == 200 and b"is-invalid" in response.content:
            body = response.content.decode()
            for field in form["fields"]:
                value = posted.get(field["name"])
                if (
                    field["kind"] in TEXT_KINDS - {"password", "hidden"}
                    and isinstance(value, str)
                    and value.strip()
                    and "\x00" not in value
                    and "bsn" not in field["name"]
                ):
                    assert escape(value) in body or escape(value.strip()) in body, (name, field["name"])


# Buttons that throw away what was typed, on purpose: after them nothing typed has to come back.
DISCARDING = ("annuleer-ja", "bijlage-weg-ja")


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(data=st.data())
def test_every_step_of_the_doorstroomformulier_with_every_button_under_arbitrary_input(
    client,
    demo_pupils,
    objects,  # noqa: F811
    data,
):
    """Each step as a decaan fills it in (care steps too), posted with one of its own buttons (Verder, Terug,
    Opslaan, a step in the list, Stage toevoegen, …): never a server error, and what was typed in a text field
    comes back on the step, saved or kept as typed (a BSN-like number masked)."""
    from django.urls import reverse

    from doorstroom.models import Formulier
    from doorstroom.selectors import current_declaration
    from students.models import Pupil

    client.raise_request_exception = False
    login_as(client, demo_pupils["decaan.vo1"])
    pupil = Pupil.objects.get(pk=objects["pupil"][0])
    # Every example starts from a form not yet started: the examples share the database (it is rolled back
    # only after the test), and what a page shows must not depend on an earlier example, or hypothesis cannot
    # replay a failure and reports it as flaky instead of showing it.
    Formulier.objects.filter(pupil=pupil).delete()
    spec = current_declaration(region=pupil.school.region, school_year=pupil.school_year).parsed()
    url = reverse("doorstroom:formulier", args=[pupil.pk])
    for step in spec.steps:
        page = client.get(f"{url}?stap={step.key}")
        assert page.status_code == 200, step.key
        finder = FormFinder()
        finder.feed(page.content.decode())
        [form] = [f for f in finder.forms if f["method"] == "post" and not f["action"].startswith(FRAME_ACTIONS)]
        shown = page.content.decode().split('id="stap-titel"')[1][:600]
        posted: dict = {}
        for field in form["fields"]:
            if field["kind"] in ("submit", "button", "file", "image", "reset"):
                continue
            if field["kind"] == "hidden":  # what the page itself sends (the step, the rows' count); not typed
                posted[field["name"]] = field["value"]
                continue
            value = data.draw(value_for(field), label=f"{step.key}:{field['name']}")
            if value is not None:
                posted[field["name"]] = value
        name, value = data.draw(st.sampled_from(form["buttons"]), label=f"{step.key}:button")
        posted[name] = value
        response = client.post(url, posted)
        assert response.status_code < 500, (step.key, value, response.status_code)
        if value.startswith(DISCARDING) or step.title not in shown:
            continue  # thrown away on purpose, or the step was not shown (a doelgroep step not chosen)
        again = client.get(f"{url}?stap={step.key}").content.decode()
        for field in form["fields"]:
            typed = posted.get(field["name"])
            if (
                field["kind"] in ("text", "textarea")
                and field["name"].startswith("a-")
                and "-TOTAL_FORMS" not in field["name"]
                and isinstance(typed, str)
                and typed.strip()
                and "\x00" not in typed
            ):
                from students.bsn import mask_bsn_like

                expected = escape(mask_bsn_like(typed).strip())
                assert expected in again or escape(mask_bsn_like(typed)) in again, (step.key, field["name"], value)
