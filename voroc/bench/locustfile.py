"""The users of ``manage.py bench load`` (voroc/bench/load.py runs this file with locust, headless, on loopback).

Each simulated user logs in through the real password form (CSRF token and all) with one of the generated region's
accounts, then clicks around as its role does, with 1 to 4 seconds between clicks (a busy user: more load than a
real one):

- decaan, mentor, zorgcoördinator: Leerling overzicht, a pupil from it, the doorstroomformulier of a pupil whose
  form is still open (the step the user lands on, or another step with text to write) and its "Opslaan" (the form
  posted as the browser posts it: every field of the page, the signed values it showed, one free-text field
  changed; then the step it leads to), Meldingen, and now and then the overview as Excel;
- ROC-gebruiker: the mbo's Aanmeldingen (first page and a later one), a received pupil, Meldingen;
- gemeente-gebruiker: Meldingen, the gemeente's Leerlingen and a pupil from it, the gemeente's meldingen.

Now and then a user logs out and in again. A request counts as failed when the answer is not what a browser would
show the user: an error, or a redirect to the login page. This file runs inside locust (gevent); it imports nothing
of Django. The accounts and password come from the JSON file named by VOROC_LOAD_PLAN.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = (
    json.loads(Path(os.environ["VOROC_LOAD_PLAN"]).read_text()) if os.environ.get("VOROC_LOAD_PLAN") else {}
)
PASSWORD: str = PLAN.get("password", "")
_ACCOUNTS: dict[str, Iterator[str]] = {role: itertools.cycle(names) for role, names in PLAN.get("accounts", {}).items()}
RELOGIN_CHANCE = 1 / 30  # after a click, the chance that the user logs out and in again
OPEN_FORM_STATES = ("nieuw", "deels", "compleet")
NOTE = "Besproken met de leerling en de ouders; vervolggesprek gepland."

PUPIL_LINK = re.compile(r'href="/leerlingen/(\d+)/"')
FORM_ICON = re.compile(r'href="/leerlingen/(\d+)/doorstroomformulier/"[^>]*data-state="([a-z]+)"')
RECEIVED_LINK = re.compile(r'href="/mbo/leerlingen/(\d+)/"')
PAGE_LINK = re.compile(r"[?&](?:amp;)?pagina=(\d+)")
STEP_BUTTON = re.compile(r'value="naar:([\w-]+)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Requests per role, written where VOROC_LOAD_COUNTS says when the run ends: the audit rows per request of each role.
REQUESTS_BY_ROLE: dict[str, int] = {}


@events.request.add_listener
def _count(context: dict, **kwargs: Any) -> None:
    role = context.get("role", "")
    REQUESTS_BY_ROLE[role] = REQUESTS_BY_ROLE.get(role, 0) + 1


@events.quit.add_listener  # after the users stopped
def _write_counts(**kwargs: Any) -> None:
    if os.environ.get("VOROC_LOAD_COUNTS"):
        Path(os.environ["VOROC_LOAD_COUNTS"]).write_text(json.dumps(REQUESTS_BY_ROLE))


class FormFields(HTMLParser):
    """The fields a browser submits from the form with id ``form_id``: hidden and text inputs, checked boxes and
    radios, the chosen option of each select, textareas (files and buttons left out; the button pressed is added by
    the caller). ``textareas`` are the indexes of the free-text fields, to type into."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[list[str]] = []
        self.textareas: list[int] = []
        self._textarea: int | None = None
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif not self.inside or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append([a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")])
        elif tag == "textarea" and a.get("name"):
            self.fields.append([a["name"], ""])
            self._textarea = len(self.fields) - 1
            if "readonly" not in a:
                self.textareas.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"] = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea][1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = self.fields[self._textarea][1]
            self.fields[self._textarea][1] = text[1:] if text.startswith("\n") else text  # as HTML reads it
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            if chosen is not None:
                self.fields.append([self._select["name"], chosen])
            self._select = None


class VorocUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 4)

    def context(self) -> dict:
        return {"role": self.role}

    def on_start(self) -> None:
        self.username = next(_ACCOUNTS[self.role])
        self.pupils: list[int] = []
        self.login()

    # --- helpers -------------------------------------------------------------------------------------------------

    def page(self, url: str, name: str) -> str:
        """GET as a browser shows it: a 200, or a failure (an error, or a redirect: to the login page, elsewhere)."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
                return ""
            return response.text

    def post(self, url: str, name: str, fields: list[tuple[str, str]], *, multipart: bool = False) -> Any:
        headers = {"Referer": f"{self.host}{url}", "Origin": f"{self.host}"}
        if multipart:  # as the browser posts a form with enctype="multipart/form-data"
            files = [(key, (None, value)) for key, value in fields]
            return self.client.post(url, name=name, files=files, headers=headers, allow_redirects=False,
                                    catch_response=True)  # fmt: skip
        return self.client.post(url, name=name, data=fields, headers=headers, allow_redirects=False,
                                catch_response=True)  # fmt: skip

    def login(self) -> None:
        self.client.cookies.clear()
        html = self.page("/inloggen/", "inloggen (formulier)")
        token = CSRF_FIELD.search(html)
        if token is None:
            return
        fields = [("csrfmiddlewaretoken", token.group(1)), ("username", self.username), ("password", PASSWORD),
                  ("next", "")]  # fmt: skip
        with self.post("/inloggen/", "inloggen", fields) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/inloggen/" in location:
                response.failure(f"login as {self.username} failed: {response.status_code}")
                return
        self.page("/meldingen/", "meldingen")  # where the login leads

    def maybe_log_in_again(self) -> None:
        if random.random() >= RELOGIN_CHANCE:  # noqa: S311 - load pattern, not a secret
            return
        token = self.client.cookies.get("csrftoken")
        if token:
            with self.post("/uitloggen/", "uitloggen", [("csrfmiddlewaretoken", token)]) as response:
                if response.status_code != 302:
                    response.failure(f"logout: {response.status_code}")
        self.login()

    # --- what every role does ------------------------------------------------------------------------------------

    @task(2)
    def meldingen(self) -> None:
        self.page("/meldingen/", "meldingen")
        self.maybe_log_in_again()


class VoUser(VorocUser):
    """Decaan, mentor, zorgcoördinator: the pupils of their school or groups."""

    abstract = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_forms: list[int] = []

    @task(3)
    def overview(self) -> None:
        html = self.page("/leerlingen/", "leerling overzicht")
        if html:
            self.pupils = [int(pk) for pk in dict.fromkeys(PUPIL_LINK.findall(html))]
            self.open_forms = [int(pk) for pk, state in FORM_ICON.findall(html) if state in OPEN_FORM_STATES]
        self.maybe_log_in_again()

    @task(4)
    def pupil(self) -> None:
        if self.pupils:
            self.page(f"/leerlingen/{random.choice(self.pupils)}/", "leerling")  # noqa: S311
        self.maybe_log_in_again()

    @task(3)
    def form_step_and_save(self) -> None:
        """Open the doorstroomformulier of a pupil whose form is still open, on the step the user lands on; go to
        another step of the step list unless this one has text to write; two times in three, type in a free-text
        field and press Opslaan, and see the step again where Opslaan leads."""
        if not self.open_forms:
            return
        url = f"/leerlingen/{random.choice(self.open_forms)}/doorstroomformulier/"  # noqa: S311
        html = self.form_step(url)
        if html and "<textarea" not in html:
            steps = sorted(set(STEP_BUTTON.findall(html)))
            html = self.form_step(f"{url}?stap={random.choice(steps)}") if steps else ""  # noqa: S311
        if not html or random.random() < 1 / 3:  # noqa: S311 - only looked
            return
        parser = FormFields("doorstroom-form")
        parser.feed(html)
        if not parser.textareas:  # nothing to write on this step (or not this user's to change)
            return
        parser.fields[random.choice(parser.textareas)][1] = NOTE  # noqa: S311
        fields = [(key, value) for key, value in parser.fields] + [("actie", "opslaan")]
        with self.post(url, "formulier opslaan", fields, multipart=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code not in (200, 302) or "/inloggen/" in location:
                response.failure(f"{response.status_code} {location}")
                return
        if response.status_code == 302 and location.startswith(url):
            self.form_step(location)
        self.maybe_log_in_again()

    def form_step(self, url: str) -> str:
        """A step of the form; "" when the form is not (or no longer) open to this user: the page it redirects to
        (read-only) is left out."""
        with self.client.get(url, name="formulier stap", allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302 and "/doorstroomformulier/bekijken/" in response.headers.get("Location", ""):
                return ""  # sent or approved meanwhile, or not this user's to fill
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
                return ""
            return response.text

    @task(1)
    def export(self) -> None:
        with self.client.get("/leerlingen/overzicht/?formaat=xlsx", name="export overzicht (Excel)",
                             allow_redirects=False, catch_response=True) as response:  # fmt: skip
            if response.status_code == 302 and "/overzicht/export/" in response.headers.get("Location", ""):
                return  # a long list: made in the background (its progress page is not followed here)
            kind = response.headers.get("Content-Type", "")
            if response.status_code != 200 or "spreadsheetml" not in kind:
                response.failure(f"{response.status_code} {kind}")


class Decaan(VoUser):
    role = "decaan"
    weight = 15


class Mentor(VoUser):
    role = "mentor"
    weight = 20


class Zorgcoordinator(VoUser):
    role = "zorgcoordinator"
    weight = 5


class RocUser(VorocUser):
    role = "roc"
    weight = 6

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_page = 1

    @task(3)
    def aanmeldingen(self) -> None:
        html = self.page("/aanmeldingen/", "mbo aanmeldingen")
        if html:
            self.pupils = [int(pk) for pk in dict.fromkeys(RECEIVED_LINK.findall(html))]
            self.last_page = max([1, *(int(n) for n in PAGE_LINK.findall(html))])
        self.maybe_log_in_again()

    @task(1)
    def later_page(self) -> None:
        if self.last_page > 1:
            self.page(f"/aanmeldingen/?pagina={random.randint(2, self.last_page)}", "mbo aanmeldingen (pagina)")  # noqa: S311

    @task(2)
    def received(self) -> None:
        if self.pupils:
            self.page(f"/mbo/leerlingen/{random.choice(self.pupils)}/", "mbo leerling")  # noqa: S311
        self.maybe_log_in_again()


class GemeenteUser(VorocUser):
    role = "gemeente"
    weight = 4

    @task(3)
    def residents(self) -> None:
        html = self.page("/gemeente/leerlingen/", "gemeente leerlingen")
        if html:
            self.pupils = [int(pk) for pk in dict.fromkeys(PUPIL_LINK.findall(html))]
        self.maybe_log_in_again()

    @task(2)
    def pupil(self) -> None:
        if self.pupils:
            self.page(f"/leerlingen/{random.choice(self.pupils)}/", "leerling")  # noqa: S311

    @task(1)
    def cases(self) -> None:
        self.page("/gemeente/meldingen/", "gemeente meldingen")
