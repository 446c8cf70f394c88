from django.apps import AppConfig


class PrivilegeConfig(AppConfig):
    name = "openpso.privilege"
    label = "privilege"
    verbose_name = "Privilege: PSO disclosures, subpoenas and breaches"
