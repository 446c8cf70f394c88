from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from openpso.organizations.models import Organization
from openpso.organizations.roles import Role


class OpenPsoUserManager(UserManager["User"]):
    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        email = self.normalize_email(email).lower()
        extra.setdefault("username", email)
        return super().create_user(email=email, password=password, **extra)  # type: ignore[arg-type]

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        email = self.normalize_email(email).lower()
        extra.setdefault("username", email)
        return super().create_superuser(email=email, password=password, **extra)  # type: ignore[arg-type]


class User(AbstractUser):
    """A person who signs in. What they may do comes from their `Membership` roles.

    A *service account* is no person: it backs one `ApiKey`, holds that key's one membership and
    cannot sign in (no usable password; the sign-in adapter refuses it). The API sets it as
    `request.user` when the key is presented, so every tenancy-scoped query applies to the key
    exactly as to a person in that role (docs/decisions/0020-api-keys.md).
    """

    email = models.EmailField(unique=True)
    is_service_account = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]  # e-mail is the login; nothing else is required

    objects = OpenPsoUserManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class ApiKey(models.Model):
    """A key a provider's or PSO's own system uses on `/api/v1`: one organisation, one role.

    Only the sha256 of the secret is kept (`accounts/api_keys.py`); the secret is shown once when
    the key is made. Revoking deactivates its service account as well.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="machine_keys")
    role = models.CharField(max_length=30, choices=Role.choices)
    service_account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.get_role_display()}) for {self.organization}"
