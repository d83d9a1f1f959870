from django.contrib.admin.apps import AdminConfig


class VorocAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.VorocAdminSite"
