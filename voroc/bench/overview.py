"""``manage.py bench overview``: the vo-school's Leerling overzicht (students:overzicht, "alle groepen") for its
decaan at 600 and at 1,200 pupils of the school, and for a mentor's two groups (at 600), each beside its limit
measured in the same run: one bare SQL query fetching the same pupils with their aanmeldingen and form state,
rendered by a minimal template (voroc.bench.pages). Each size is generated in its own transaction that is rolled
back afterwards. The top level is the decaan at the first size; ``sizes`` and ``mentor`` hold the rest."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from . import in_rolled_back_transaction
from .pages import HTML_AIM_KB, line, school_scene, time_limit, time_page

BARE = """
SELECT p.id, p.achternaam, p.tussenvoegsel, p.voornaam, g.name, f.state, o.name, m.name, a.status, a.status_at
FROM students_pupil p
LEFT JOIN groups_group g ON g.id = p.group_id
LEFT JOIN doorstroom_formulier f ON f.pupil_id = p.id AND f.is_current
LEFT JOIN students_aanmelding a ON a.pupil_id = p.id
LEFT JOIN students_opleiding o ON o.id = a.opleiding_id
LEFT JOIN accounts_organisation m ON m.id = a.mbo_school_id
WHERE p.school_id = %s AND p.school_year = %s {groups}
ORDER BY p.sort_achternaam, p.sort_voornaam, p.id, a.id
"""
TEMPLATE = """<table>{% for r in rows %}{% ifchanged r.0 %}<tr><td><a href="/leerlingen/{{ r.0 }}/">{{ r.1 }},
{{ r.3 }} {{ r.2 }}</a></td><td>{{ r.4|default:"" }}</td><td>{{ r.5|default:"nieuw" }}</td></tr>{% endifchanged %}
{% if r.6 %}<tr><td></td><td>{{ r.6 }}</td><td>{{ r.7 }}</td><td>{{ r.8 }} {{ r.9|date:"j-n-Y" }}</td></tr>{% endif %}
{% endfor %}</table>"""


def overview(sizes: Sequence[int] = (600, 1200)) -> dict:
    results = [in_rolled_back_transaction(partial(_measure, size, mentor=n == 0)) for n, size in enumerate(sizes)]
    first = results[0]
    first["sizes"] = [{k: v for k, v in r.items() if k != "mentor"} for r in results[1:]]
    return first


def _measure(size: int, *, mentor: bool) -> dict:
    from django.urls import reverse

    from accounts.models import Role
    from students.listing import ALL_GROUPS

    scene = school_scene(size)
    school = scene.vo[0]
    url, data = reverse("students:overzicht"), {"groep": ALL_GROUPS}
    figure, queries, html = time_page(scene.user(Role.DECAAN, school), url, data=data)
    limit, rows = time_limit(BARE.format(groups=""), [school.pk, scene.year], TEMPLATE)
    result = line("overview", figure, limit, queries, html, pupils=size, role="decaan", bare_rows=rows)
    result["html_within_aim"] = html <= HTML_AIM_KB * 1024 * size / 600  # the aim is for 600 pupils
    if mentor:
        groups = scene.groups[school.pk][:2]  # mentor1's two groups (region.groups_and_mentors)
        figure, queries, html = time_page(scene.user(Role.MENTOR, school), url, data=data)
        ids = ", ".join(str(int(g.pk)) for g in groups)
        limit, rows = time_limit(BARE.format(groups=f"AND p.group_id IN ({ids})"), [school.pk, scene.year], TEMPLATE)
        result["mentor"] = line("overview", figure, limit, queries, html, groups=len(groups), bare_rows=rows)
    return result
