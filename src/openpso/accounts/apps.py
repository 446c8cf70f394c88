from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openpso.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Second-factor secrets live in allauth's JSON column, which `openpso keys rotate`
        # cannot find by walking EncryptedTextFields (accounts/mfa_secrets.py).
        from openpso.accounts.mfa_secrets import MfaSecretStore
        from openpso.encryption.rotation import register_store

        register_store(MfaSecretStore())
