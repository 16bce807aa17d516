"""Small builders for users, brands and brand library content.

Users come from a factory_boy factory; brands, memberships, packs and templates are made through
the services, so tests start from states the app itself can reach.
"""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from PIL import Image

from brandkit.choices import MembershipRole, PackPurpose
from brandkit.models import Brand, PosterTemplate, ReferencePack
from brandkit.services.brands import brand_create, membership_set
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
from tests.brandkit.hostile_samples import encode

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda number: f"user-{number}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)


def image_bytes(index: int = 0, *, format: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    """A real, small image whose pixels (and so sha256) differ for every `index`."""
    color = ((index * 37) % 256, (index * 91 + 40) % 256, (index * 53 + 90) % 256)
    return encode(Image.new("RGB", size, color), format)


def brand_with_admin(
    *, name: str, slug: str, admin: Any | None = None, **fields: Any
) -> tuple[Brand, Any]:
    """A brand made by `brand_create`; its creator (a staff user by default) is its admin."""
    admin = admin or UserFactory(username=f"{slug}-admin", is_staff=True)
    return brand_create(name=name, slug=slug, created_by=admin, **fields), admin


def member(brand: Brand, role: str, *, username: str, **fields: Any) -> Any:
    """A new user with `role` on `brand`."""
    user = UserFactory(username=username, **fields)
    membership_set(brand=brand, user=user, role=MembershipRole(role))
    return user


def draft_pack(brand: Brand, *, name: str = "Product shots", images: int = 0) -> ReferencePack:
    pack = reference_pack_create(brand=brand, name=name, purpose=PackPurpose.PRODUCT)
    for index in range(images):
        reference_pack_add_image(pack=pack, data=image_bytes(index), caption=f"Image {index}")
    return pack


def published_pack(
    brand: Brand, user: Any, *, name: str = "Product shots", images: int = 2
) -> ReferencePack:
    pack = draft_pack(brand, name=name, images=images)
    return reference_pack_publish(pack=pack, user=user)


def draft_template(
    brand: Brand, *, name: str = "Launch poster", slot_keys: tuple[str, ...] = ("product",)
) -> PosterTemplate:
    """A 1000x1000 draft whose prompt uses one `{key}` per slot, each slot inside the canvas."""
    prompt = "A poster of " + " and ".join(f"{{{key}}}" for key in slot_keys)
    template = poster_template_create(
        brand=brand, name=name, prompt_template=prompt, canvas_width=1000, canvas_height=1000
    )
    for position, key in enumerate(slot_keys):
        poster_template_set_slot(
            template=template,
            key=key,
            label=key.title(),
            position=position,
            box_x=100,
            box_y=100 + position * 200,
            box_width=800,
            box_height=150,
        )
    return template


def published_template(brand: Brand, user: Any, *, name: str = "Launch poster") -> PosterTemplate:
    return poster_template_publish(template=draft_template(brand, name=name), user=user)
