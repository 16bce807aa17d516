from django.apps import AppConfig


class BrandkitConfig(AppConfig):
    """The brand library: brands, palettes, fonts, logos, members, reference packs, templates."""

    name = "brandkit"
    verbose_name = "Brand library"
