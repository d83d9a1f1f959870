"""A tab whose screen is not built yet says so honestly, with what it will hold."""

from __future__ import annotations

from django.views.generic import TemplateView

from ..access import RoleRequiredMixin


class PlannedScreenView(RoleRequiredMixin, TemplateView):
    template_name = "planned_screen.html"
    title = ""
    description = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title, "description": self.description}
