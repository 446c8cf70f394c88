"""Keys made before keys had roles (`ProviderApiKey`) become `accounts.ApiKey`s of their provider in
the safety manager's role, the role submitting requires, with the same prefix and digest: their
tokens keep working and the key page lists them. The `ProviderApiKey` rows stay as the history
`Submission.api_key` names (docs/decisions/0020-api-keys.md)."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def forwards(apps, schema_editor):
    ProviderApiKey = apps.get_model("submissions", "ProviderApiKey")
    ApiKey = apps.get_model("accounts", "ApiKey")
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("organizations", "Membership")
    for old in ProviderApiKey.objects.all():
        if ApiKey.objects.filter(prefix=old.prefix).exists():
            continue
        email = f"key-{old.prefix}@api-keys.invalid"
        account = User.objects.create(
            email=email,
            username=email,
            first_name=f"API key {old.prefix}",
            last_name=f"({old.name})",
            password=make_password(None),  # unusable: a service account never signs in
            is_service_account=True,
            is_active=old.revoked_at is None,
        )
        Membership.objects.create(user=account, organization_id=old.provider_id, role="safety_manager")
        new = ApiKey.objects.create(
            organization_id=old.provider_id,
            role="safety_manager",
            service_account=account,
            name=old.name,
            prefix=old.prefix,
            digest=old.digest,
            created_by_id=old.created_by_id,
            last_used_at=old.last_used_at,
            revoked_at=old.revoked_at,
        )
        ApiKey.objects.filter(pk=new.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0002_agreement_grant_categories_questions"),
        ("accounts", "0003_api_keys"),
        ("organizations", "0003_organization_time_zone"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
