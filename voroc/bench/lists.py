"""``manage.py bench mbo_aanmeldingen``, ``pupil_page``, ``meldingen`` and ``admin_pupils``: the mbo-school's list of
aanmeldingen (students:aanmeldingen, first page, as its ROC-gebruiker), one pupil's page (students:leerling, as the
decaan; the pupil with the most aanmeldingen), the meldingen (notifications:meldingen, as the decaan) and the
servicedesk's pupil list in the admin (first page, with its second factor), each on one
vo-school's generated scene (voroc.bench.pages) in a transaction that is rolled back afterwards, beside its limit
measured in the same run: one bare SQL query fetching the same rows, rendered by a minimal template."""

from __future__ import annotations

from . import in_rolled_back_transaction
from .pages import line, school_scene, time_limit, time_page

MBO_BARE = """
SELECT p.id, p.achternaam, p.tussenvoegsel, p.voornaam, s.name, o.name, a.status, a.status_at
FROM students_pupil p
JOIN accounts_organisation s ON s.id = p.school_id
JOIN students_aanmelding a ON a.pupil_id = p.id AND a.mbo_school_id = %s
JOIN students_opleiding o ON o.id = a.opleiding_id
WHERE p.id IN (
  SELECT q.id FROM students_pupil q
  WHERE q.school_year = %s AND EXISTS (SELECT 1 FROM students_aanmelding b WHERE b.pupil_id = q.id AND b.mbo_school_id = %s)
  ORDER BY q.sort_achternaam, q.sort_voornaam, q.id LIMIT %s
)
ORDER BY p.sort_achternaam, p.sort_voornaam, p.id, a.id
"""
MBO_TEMPLATE = """<table>{% for r in rows %}{% ifchanged r.0 %}<tr><td><a href="/leerlingen/{{ r.0 }}/">{{ r.1 }},
{{ r.3 }} {{ r.2 }}</a></td><td>{{ r.4 }}</td></tr>{% endifchanged %}<tr><td></td><td>{{ r.5 }}</td>
<td>{{ r.6 }} {{ r.7|date:"j-n-Y" }}</td></tr>{% endfor %}</table>"""

PUPIL_BARE = """
SELECT p.id, p.achternaam, p.tussenvoegsel, p.voornaam, p.geboortedatum, p.straat, p.huisnummer, p.postcode,
       p.woonplaats, p.email, p.telefoon, a.id, o.name, m.name, c.status, c.at
FROM students_pupil p
LEFT JOIN students_aanmelding a ON a.pupil_id = p.id
LEFT JOIN students_opleiding o ON o.id = a.opleiding_id
LEFT JOIN accounts_organisation m ON m.id = a.mbo_school_id
LEFT JOIN students_statuschange c ON c.aanmelding_id = a.id
WHERE p.id = %s
ORDER BY a.id, c.at, c.id
"""
PUPIL_TEMPLATE = """{% for r in rows %}{% if forloop.first %}<h1>{{ r.3 }} {{ r.2 }} {{ r.1 }}</h1><dl>
<dt>Geboortedatum</dt><dd>{{ r.4|date:"j-n-Y" }}</dd><dt>Adres</dt><dd>{{ r.5 }} {{ r.6 }}, {{ r.7 }} {{ r.8 }}</dd>
<dt>E-mail</dt><dd>{{ r.9 }}</dd><dt>Telefoon</dt><dd>{{ r.10 }}</dd></dl>{% endif %}{% if r.11 %}
{% ifchanged r.11 %}<h2>{{ r.12 }}, {{ r.13 }}</h2>{% endifchanged %}<span>{{ r.14 }} {{ r.15|date:"j-n-Y" }}</span>
{% endif %}{% endfor %}"""

MELDINGEN_BARE = """
SELECT n.id, n.created_at, n.kind, n.text, n.link, p.achternaam, p.tussenvoegsel, p.voornaam,
       EXISTS (SELECT 1 FROM notifications_meldingread r WHERE r.melding_id = n.id AND r.user_id = %s)
FROM notifications_melding n
LEFT JOIN students_pupil p ON p.id = n.pupil_id
WHERE n.organisation_id = %s AND (n.user_id IS NULL OR n.user_id = %s) AND n.created_at >= %s
ORDER BY n.created_at DESC, n.id DESC
LIMIT %s
"""
MELDINGEN_TEMPLATE = """{% for r in rows %}{% ifchanged r.1.date %}<h2>{{ r.1|date:"l j F" }}</h2>{% endifchanged %}
<div class="{% if not r.8 %}unread{% endif %}"><a href="/meldingen/{{ r.0 }}/">{{ r.3 }}</a>
{% if r.5 %}<span>{{ r.7 }} {{ r.6 }} {{ r.5 }}</span>{% endif %}</div>{% endfor %}"""


ADMIN_BARE = """
SELECT p.id, p.achternaam, p.tussenvoegsel, p.voornaam, s.name, p.school_year, g.name, COALESCE(p.bsn_index, '') <> '', p.source,
       (SELECT COUNT(*) FROM students_pupil)
FROM students_pupil p
JOIN accounts_organisation s ON s.id = p.school_id
LEFT JOIN groups_group g ON g.id = p.group_id
ORDER BY p.sort_achternaam, p.sort_voornaam, p.id
LIMIT %s
"""
ADMIN_TEMPLATE = """<p>{{ rows.0.9 }}</p><table>{% for r in rows %}<tr><td><a href="/beheer/students/pupil/{{ r.0 }}/change/">
{{ r.1 }}, {{ r.3 }} {{ r.2 }}</a></td><td>{{ r.4 }}</td><td>{{ r.5 }}</td><td>{{ r.6|default:"-" }}</td><td>{{ r.7 }}</td>
<td>{{ r.8 }}</td></tr>{% endfor %}</table>"""


def mbo_aanmeldingen(pupils: int = 1200) -> dict:
    def work() -> dict:
        from django.urls import reverse

        from accounts.models import Role
        from students.models import Pupil
        from students.views.mbo import PAGE_SIZE

        scene = school_scene(pupils)
        mbo = scene.mbo[0]
        figure, queries, html = time_page(scene.user(Role.ROC, mbo), reverse("students:aanmeldingen"))
        limit, rows = time_limit(MBO_BARE, [mbo.pk, scene.year, mbo.pk, PAGE_SIZE], MBO_TEMPLATE)
        applicants = Pupil.objects.filter(school_year=scene.year, aanmeldingen__mbo_school=mbo).distinct().count()
        return line("mbo_aanmeldingen", figure, limit, queries, html, pupils=pupils, applicants=applicants,
                    bare_rows=rows)  # fmt: skip

    return in_rolled_back_transaction(work)


def pupil_page(pupils: int = 600) -> dict:
    def work() -> dict:
        from django.db.models import Count
        from django.urls import reverse

        from accounts.models import Role
        from students.models import Pupil

        scene = school_scene(pupils)
        school = scene.vo[0]
        pupil = (
            Pupil.objects.filter(school=school, school_year=scene.year)
            .annotate(n=Count("aanmeldingen"))
            .order_by("-n", "pk")
            .first()
        )
        assert pupil is not None
        url = reverse("students:leerling", args=[pupil.pk])
        figure, queries, html = time_page(scene.user(Role.DECAAN, school), url)
        limit, rows = time_limit(PUPIL_BARE, [pupil.pk], PUPIL_TEMPLATE)
        return line("pupil_page", figure, limit, queries, html, pupils=pupils, aanmeldingen=pupil.n, bare_rows=rows)

    return in_rolled_back_transaction(work)


def meldingen(pupils: int = 600) -> dict:
    def work() -> dict:
        import datetime

        from django.urls import reverse
        from django.utils import timezone

        from accounts.models import Role
        from notifications.models import Melding
        from notifications.selectors import VISIBLE_DAYS
        from notifications.views import PAGE_SIZE

        scene = school_scene(pupils)
        school = scene.vo[0]
        user = scene.user(Role.DECAAN, school)
        figure, queries, html = time_page(user, reverse("notifications:meldingen"))
        since = timezone.now() - datetime.timedelta(days=VISIBLE_DAYS)
        params = [user.pk, school.pk, user.pk, since, PAGE_SIZE + 1]
        limit, rows = time_limit(MELDINGEN_BARE, params, MELDINGEN_TEMPLATE)
        total = Melding.objects.filter(organisation=school).count()
        return line("meldingen", figure, limit, queries, html, pupils=pupils, meldingen=total, bare_rows=rows)

    return in_rolled_back_transaction(work)


def admin_pupils(pupils: int = 1200) -> dict:
    def work() -> dict:
        from django.contrib.admin.options import ModelAdmin
        from django.urls import reverse

        from accounts.models import Organisation, OrganisationKind, Role, User
        from students.models import Pupil

        scene = school_scene(pupils)
        desk = Organisation.objects.filter(kind=OrganisationKind.SERVICEDESK).first() or Organisation.objects.create(
            kind=OrganisationKind.SERVICEDESK, name="Servicedesk (meting)", code="SDBENCH"
        )
        user = User.objects.create(
            username="servicedesk.bench", organisation=desk, role=Role.SERVICEDESK, profile_checked_at=scene.now
        )
        figure, queries, html = time_page(user, reverse("admin:students_pupil_changelist"))
        limit, rows = time_limit(ADMIN_BARE, [ModelAdmin.list_per_page], ADMIN_TEMPLATE)
        total = Pupil.objects.count()
        return line("admin_pupils", figure, limit, queries, html, pupils=total, bare_rows=rows)

    return in_rolled_back_transaction(work)
