"""Seal the second-factor secrets allauth stored in clear (accounts/mfa_secrets.py).

Idempotent: a value that is already OpenPSO ciphertext is left as it is, so a re-run, or a
database where some rows were written by MfaAdapter, changes only the clear ones. The keyring
is loaded only when a clear value is found. Reversed, the values are decrypted again, for the
code before MfaAdapter, which reads them in clear.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from openpso.accounts.mfa_secrets import is_ciphertext, map_secrets
from openpso.encryption import fields


def _rewrite(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, *, seal: bool) -> None:
    authenticator = apps.get_model("mfa", "Authenticator")
    db = schema_editor.connection.alias

    def change(stored: str) -> str:
        if seal:
            return stored if is_ciphertext(stored) else fields.encrypt(stored)
        return fields.decrypt(stored) if is_ciphertext(stored) else stored

    for pk, kind, data in authenticator.objects.using(db).order_by("pk").values_list("pk", "type", "data"):
        new: dict[str, Any] = map_secrets(kind, data or {}, change)
        if new != (data or {}):
            authenticator.objects.using(db).filter(pk=pk).update(data=new)


def seal(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rewrite(apps, schema_editor, seal=True)


def unseal(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rewrite(apps, schema_editor, seal=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal, unseal)]
