"""Template tags that every app's pages share."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def page_numbers(page: Page) -> list:
    """The page numbers to offer around ``page``: the first and last, two on each side of the current one, and
    ``page.paginator.ELLIPSIS`` where numbers are left out (1 2 3 4 5 … 12)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
