"""``manage.py bench form_step``: one step of the doorstroomformulier as its decaan opens it (GET) and saves it
(Opslaan, the POST the page's own form sends with one answer changed), on one vo-school's generated scene
(voroc.bench.pages) in a transaction that is rolled back afterwards.

Limits, measured in the same run: for the GET, one bare SQL query reading the pupil and the step's answers, rendered
by a minimal template with one input per field; for Opslaan, the form's row read for update and its answers written
back. The top level is the GET; ``save`` holds Opslaan."""

from __future__ import annotations

import statistics
import time
from html.parser import HTMLParser
from typing import Any

from django.db import connection, transaction

from . import in_rolled_back_transaction
from .pages import RUNS, line, logged_in, school_scene, time_limit, time_page


class FormReader(HTMLParser):
    """What a browser would post from the form with id ``form_id``: its inputs (checked ones for radio and checkbox),
    textareas and selects, as a list of (name, value) pairs."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._chosen: str | None = None
        self._first: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "name" not in a or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self.text = a["name"], []
        elif tag == "select":
            self._select, self._chosen, self._first = a["name"], None, None

    def _option(self, a: dict[str, str]) -> None:
        value = a.get("value", "")
        if self._first is None:
            self._first = value
        if "selected" in a:
            self._chosen = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self.text).lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._chosen if self._chosen is not None else self._first
            self.fields.append((self._select, chosen or ""))
            self._select = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    reader = FormReader(form_id)
    reader.feed(html)
    return reader.fields


def form_step(pupils: int = 600) -> dict:
    return in_rolled_back_transaction(lambda: _measure(pupils))


def _measure(pupils: int) -> dict:
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Role
    from doorstroom.buttons import Action
    from doorstroom.models import Formulier

    scene = school_scene(pupils)
    school = scene.vo[0]
    decaan = scene.user(Role.DECAAN, school)
    form = (
        Formulier.objects.filter(pupil__school=school, pupil__school_year=scene.year, is_current=True)
        .filter(state=Formulier.State.DEELS)
        .select_related("declaration")
        .order_by("pk")
        .first()
    )
    assert form is not None, "the scene has a form being filled in"
    spec = form.declaration.parsed()
    step = max(spec.steps, key=lambda s: sum(1 for f in s.fields if f.type == "text"))  # the longest text step
    text_keys = [f.key for f in step.fields if f.type == "text"]
    url = reverse("doorstroom:formulier", args=[form.pupil_id])
    data = {"stap": step.key}
    figure, queries, html = time_page(decaan, url, data=data)
    keys = [f.key for f in step.fields]
    sql, params = _bare_sql(keys)
    limit, rows = time_limit(sql, [*params, form.pupil_id], _bare_template(len(keys)))
    result = line(
        "form_step", figure, limit, queries, html, pupils=pupils, step=step.key, fields=len(keys), bare_rows=rows
    )

    client = logged_in(decaan)
    times, saved = [], 0
    for run in range(RUNS + 1):  # the first is a warm-up
        page = client.get(url, data).content.decode()
        posted = dict(form_fields(page, "doorstroom-form"))
        posted[f"a-{text_keys[0]}"] = f"Bijgewerkt in de meting ({run})"
        posted["actie"] = Action.SAVE.value
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post(url + f"?stap={step.key}", posted)
            elapsed = time.perf_counter() - start
        assert response.status_code == 302, (response.status_code, response.content[:500])
        if run:
            times.append(elapsed)
        form.refresh_from_db()
        saved += form.answers.get(text_keys[0]) == f"Bijgewerkt in de meting ({run})"
    assert saved == RUNS + 1, "every Opslaan was stored"
    save_limit = _bare_save(form.pk)
    result["save"] = line("form_step_save", statistics.median(times), save_limit, len(captured), None)
    return result


def _bare_sql(keys: list[str]) -> tuple[str, list[str]]:
    """The bare query and its parameters: the pupil's name and each answer of the step, picked from the JSON."""
    if connection.vendor == "postgresql":
        pick, params = "f.answers ->> %s", list(keys)
    else:
        pick, params = "json_extract(f.answers, %s)", [f"$.{k}" for k in keys]
    picks = ", ".join([pick] * len(keys))  # placeholders only: the keys go as parameters
    sql = (
        "SELECT p.id, p.achternaam, p.tussenvoegsel, p.voornaam, "  # noqa: S608 (only placeholders joined in)
        + picks
        + " FROM students_pupil p JOIN doorstroom_formulier f ON f.pupil_id = p.id AND f.is_current WHERE p.id = %s"
    )
    return sql, params


def _bare_template(fields: int) -> str:
    inputs = "".join(
        f'<label>{n}<input name="a{n}" value="{{{{ r.{n + 4}|default:"" }}}}"></label>' for n in range(fields)
    )
    return f'{{% for r in rows %}}<h1>{{{{ r.3 }}}} {{{{ r.1 }}}}</h1><form method="post">{inputs}</form>{{% endfor %}}'


def _bare_save(form_pk: int) -> float:
    """The form's row read for update and its answers written back, in a savepoint: the median of RUNS."""
    read = "SELECT answers FROM doorstroom_formulier WHERE id = %s"
    if connection.vendor == "postgresql":
        read = "SELECT answers FROM doorstroom_formulier WHERE id = %s FOR UPDATE"
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(read, [form_pk])
            (answers,) = cursor.fetchone()
            cursor.execute("UPDATE doorstroom_formulier SET answers = %s WHERE id = %s", [_as_text(answers), form_pk])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _as_text(answers: Any) -> str:
    import json

    return answers if isinstance(answers, str) else json.dumps(answers)
