from django.apps import AppConfig


class PswpConfig(AppConfig):
    name = "openpso.pswp"
    label = "pswp"
    verbose_name = "Patient safety work product"
