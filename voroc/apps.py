from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class VorocConfig(AppConfig):
    """The project itself: commands that span the apps (seed_demo)."""

    name = "voroc"
    default = True


class VorocAdminConfig(AdminConfig):
    default = False
    default_site = "accounts.admin_site.VorocAdminSite"
