from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "openpso.organizations"
    label = "organizations"
