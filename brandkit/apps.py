from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BrandkitConfig(AppConfig):
    """The brand library: brands, palettes, fonts, logos, members, reference packs, templates."""

    name = "brandkit"
    verbose_name = "Brand library"

    def ready(self) -> None:
        from brandkit.history_triggers import sqlite_history_triggers_ensure

        post_migrate.connect(
            sqlite_history_triggers_ensure,
            dispatch_uid="brandkit.sqlite_history_triggers_ensure",
        )
