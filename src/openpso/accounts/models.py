from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


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
    """A person who signs in. What they may do comes from their `Membership` roles."""

    email = models.EmailField(unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]  # e-mail is the login; nothing else is required

    objects = OpenPsoUserManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.get_full_name() or self.email
