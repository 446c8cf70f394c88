from django.apps import AppConfig


class EncryptionConfig(AppConfig):
    name = "openpso.encryption"
    label = "encryption"
