from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openpso.accounts"
    label = "accounts"
