"""The status row of one aanmelding as HTML: seven numbered blocks, the reached ones coloured with their date and
a link to their pop-up, the others light grey (handleiding "Statussen overzicht").

A list page shows this row hundreds of times (Leerling overzicht, the mbo's Aanmeldingen, the gemeente's
Leerlingen), so it is written here in one pass from precomputed parts rather than by a template include with tags
per block: the labels are translated once per language, the link is one URL pattern filled in, and each date is
formatted once. The markup is what ``students/partials/status_legend.html`` explains.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Status

# A key no aanmelding has, to turn the reversed URL into a pattern (reverse checks the value against the path
# converter, so it must look like an id).
_PK, _STATUS = 987654321987, 7


@lru_cache(maxsize=64)
def _parts(language: str | None, script_prefix: str) -> tuple[str, dict[int, tuple[str, str]], str, str, str]:
    """For one language and mount point: the link pattern, each status's escaped label and its grey block, and the
    words around the blocks. ``language`` and ``script_prefix`` are the cache key (the active ones are used)."""
    url = reverse("students:status", args=[_PK, _STATUS])
    pattern = escape(url.replace(str(_PK), "{pk}").replace(f"/{_STATUS}/", "/{status}/"))
    todo = escape(_("nog niet bereikt"))
    labels: dict[int, tuple[str, str]] = {}
    for status in Status:
        label = escape(str(status.label))
        # A grey block shows its number, its name on hovering; a screen reader hears the grey ones once, together.
        grey = f'<li class="voroc-status voroc-status-todo" aria-hidden="true"><span title="{label} – {todo}"><b>{int(status)}</b></span></li>'
        labels[int(status)] = (label, grey)
    return pattern, labels, escape(_("huidige status")), _("Statussen van de aanmelding %(name)s"), todo


def render(aanmelding_pk: int, name: str, blocks: list) -> SafeString:
    """The row of ``blocks`` (students.destination.Block) of the aanmelding ``aanmelding_pk`` named ``name``."""
    pattern, labels, current_words, title, todo = _parts(get_language(), get_script_prefix())
    out = [f'<ol class="voroc-statusrow" aria-label="{escape(title % {"name": name})}" data-testid="status-row">']
    grey: list[str] = []
    for block in blocks:
        number = int(block.status)
        label, grey_block = labels[number]
        if not block.reached:
            out.append(grey_block)
            grey.append(label)
            continue
        local = timezone.localtime(block.at)
        long = escape(formats.date_format(local, "j F Y"))
        url = pattern.format(pk=int(aanmelding_pk), status=number)
        current = " voroc-status-current" if block.current else ""
        said = f" ({current_words})" if block.current else ""
        out.append(
            f'<li class="voroc-status voroc-status-{number}{current}"><a href="{url}" data-voroc-modal '
            f'title="{label} – {long}" data-testid="status-block-{number}"><b>{number}</b>'
            f'<small>{local:%d-%m}</small><span class="visually-hidden">{label}, {long}{said}</span></a></li>'
        )
    if grey:
        out.append(f'<li class="visually-hidden">{todo}: {", ".join(grey)}</li>')
    out.append("</ol>")
    return mark_safe("".join(out))  # every value above is escaped or a number
