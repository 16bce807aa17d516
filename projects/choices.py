"""Choices of the campaign app, next to their rules."""

from __future__ import annotations

from django.db import models


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


class Channel(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    LINKEDIN = "linkedin", "LinkedIn"
    DISPLAY = "display", "Display ads"
    PRINT = "print", "Print"
    WEB = "web", "Website"
    EMAIL = "email", "Email"
