"""Load the demo brand, its library, one campaign and three demo users. Safe to run again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from brandkit.choices import (
    BrandStatus,
    ColorRole,
    FontRole,
    LogoVariant,
    MembershipRole,
    PackPurpose,
    TextAlignment,
)
from brandkit.demo.artwork import BODY_FONT, HEADING_FONT, logo_png, reference_png
from brandkit.models import Brand, BrandColor, PosterTemplate, ReferencePack
from brandkit.services.brands import brand_font_set, brand_logo_set, membership_set
from brandkit.services.poster_templates import (
    poster_template_create,
    poster_template_publish,
    poster_template_set_slot,
)
from brandkit.services.reference_packs import (
    reference_pack_add_image,
    reference_pack_create,
    reference_pack_publish,
)
from projects.models import Campaign
from projects.services.campaigns import campaign_create

DEMO_SLUG = "northwind-coffee"
PALETTE = [
    ("Deep roast", "#3B2417", ColorRole.PRIMARY),
    ("Crema", "#E8C9A0", ColorRole.SECONDARY),
    ("Signal orange", "#F26B1D", ColorRole.ACCENT),
    ("Paper", "#FAF6F0", ColorRole.BACKGROUND),
    ("Ink", "#1D1D1F", ColorRole.TEXT),
]
# Demo logins only: `serve` prints them; the command refuses to run in production mode.
DEMO_USERS = [
    ("demo-admin", "Avery Admin", MembershipRole.ADMIN, "demo-admin-pass"),
    ("demo-marketer", "Morgan Marketer", MembershipRole.MARKETER, "demo-marketer-pass"),
    ("demo-reviewer", "Riley Reviewer", MembershipRole.REVIEWER, "demo-reviewer-pass"),
]


class Command(BaseCommand):
    help = (
        "Load the demo brand (palette, font, logo, reference pack, template, campaign) and users."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates users with known passwords; it runs only with DEBUG on."
            )
        with transaction.atomic():
            users = self._users()
            brand = self._brand(users[MembershipRole.ADMIN])
            pack = self._reference_pack(brand, users[MembershipRole.ADMIN])
            self._template(brand, pack, users[MembershipRole.ADMIN])
            self._campaign(brand, users[MembershipRole.MARKETER])
        self.stdout.write(self.style.SUCCESS(f"Demo brand '{brand.name}' is ready."))
        if not options["quiet_logins"]:
            self.stdout.write("Demo logins (username / password):")
            for username, _name, role, password in DEMO_USERS:
                self.stdout.write(f"  {role.label:<12} {username} / {password}")

    def _users(self) -> dict[str, Any]:
        user_model = get_user_model()
        users = {}
        for username, full_name, role, password in DEMO_USERS:
            first, last = full_name.split(" ", 1)
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                },
            )
            if created:
                user.set_password(password)
                # Brand admins curate in the Django admin, scoped to their brands.
                user.is_staff = role == MembershipRole.ADMIN
                user.save()
            users[role] = user
        return users

    def _brand(self, admin_user: Any) -> Brand:
        brand, _ = Brand.objects.get_or_create(
            slug=DEMO_SLUG,
            defaults={
                "name": "Northwind Coffee",
                "status": BrandStatus.PUBLISHED,
                "guidelines": (
                    "Warm, honest, crafted. Show the product in natural light on paper-toned "
                    "backgrounds. Never show competitors' cups or logos. Keep one accent of signal "
                    "orange per image."
                ),
                "voice": "Friendly and direct; short sentences; no exclamation marks.",
                "prompt_prefix": "Editorial product photograph, natural window light,",
                "prompt_suffix": "warm tones, palette #3B2417 #E8C9A0 #F26B1D #FAF6F0",
                "forbidden_terms": "starbucks\nenergy drink\nneon",
            },
        )
        for username_role in DEMO_USERS:
            user = get_user_model().objects.get(username=username_role[0])
            membership_set(brand=brand, user=user, role=username_role[2])
        for position, (name, hex_value, role) in enumerate(PALETTE):
            BrandColor.objects.get_or_create(
                brand=brand,
                name=name,
                defaults={"hex": hex_value, "role": role, "position": position},
            )
        if not brand.fonts.exists():
            brand_font_set(brand=brand, role=FontRole.HEADING, data=HEADING_FONT.read_bytes())
            brand_font_set(brand=brand, role=FontRole.BODY, data=BODY_FONT.read_bytes())
        if not brand.logos.exists():
            logo = logo_png(name=brand.name, primary=PALETTE[0][1], accent=PALETTE[2][1])
            brand_logo_set(brand=brand, variant=LogoVariant.PRIMARY, data=logo)
        return brand

    def _reference_pack(self, brand: Brand, admin_user: Any) -> ReferencePack:
        existing = ReferencePack.objects.filter(brand=brand, name="Bottle studies").first()
        if existing is not None:
            return existing
        pack = reference_pack_create(
            brand=brand,
            name="Bottle studies",
            purpose=PackPurpose.PRODUCT,
            description="The cold-brew bottle from four angles, for product consistency.",
        )
        palette = [hex_value for _name, hex_value, _role in PALETTE]
        for index in range(4):
            reference_pack_add_image(
                pack=pack,
                data=reference_png(index=index, palette=palette),
                caption=f"Angle {index + 1}",
            )
        return reference_pack_publish(pack=pack, user=admin_user)

    def _template(self, brand: Brand, pack: ReferencePack, admin_user: Any) -> None:
        if PosterTemplate.objects.filter(brand=brand, name="Launch poster").exists():
            return
        template = poster_template_create(
            brand=brand,
            name="Launch poster",
            prompt_template="A {product} bottle on a café counter, morning light, {mood} mood",
            canvas_width=1440,
            canvas_height=2560,
            export_sizes=[
                {"name": "Instagram story", "width": 1080, "height": 1920},
                {"name": "Poster A3", "width": 2480, "height": 3508},
            ],
            default_reference_pack=pack,
            logo_variant=LogoVariant.PRIMARY,
            logo_box_x=1160,
            logo_box_y=80,
            logo_box_width=200,
            logo_box_height=200,
        )
        slots = [
            ("product", "Product name", (120, 1900, 1200, 220), FontRole.HEADING, 30, 72, 160),
            ("mood", "Mood line", (120, 2160, 1200, 160), FontRole.BODY, 60, 36, 72),
        ]
        for position, (key, label, box, font_role, max_chars, min_size, max_size) in enumerate(
            slots
        ):
            poster_template_set_slot(
                template=template,
                key=key,
                label=label,
                position=position,
                box_x=box[0],
                box_y=box[1],
                box_width=box[2],
                box_height=box[3],
                font_role=font_role,
                color_role=ColorRole.TEXT,
                alignment=TextAlignment.LEFT,
                max_characters=max_chars,
                min_font_size=min_size,
                max_font_size=max_size,
            )
        poster_template_publish(template=template, user=admin_user)

    def _campaign(self, brand: Brand, marketer: Any) -> None:
        if Campaign.objects.filter(brand=brand, name="Cold brew spring launch").exists():
            return
        campaign_create(
            brand=brand,
            owner=marketer,
            name="Cold brew spring launch",
            brief="Launch the cold-brew bottle for spring: story and poster formats, morning mood.",
            channels=["instagram", "print"],
            budget=Decimal("25.00"),
        )
