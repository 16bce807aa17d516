"""Choices of the API app."""

from __future__ import annotations

from django.db import models


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"
