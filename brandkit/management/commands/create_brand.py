"""First run in production: create a brand and its first admin in one command.

`load_demo` refuses with DEBUG off (it makes users with known passwords), and doing this in the
admin means a superuser, a user, a staff flag and a membership. This command does all of it:
the admin account is created if missing (with no usable password: set one with
`manage.py changepassword <username>`), marked staff so it can open the admin, and made the
brand's admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from brandkit.models import Brand
from brandkit.services.brands import brand_create


class Command(BaseCommand):
    help = "Create a brand and its first brand admin (the account is created if missing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help='The brand\'s name, e.g. "Northwind Coffee".')
        parser.add_argument("slug", help="Its short name in URLs, e.g. northwind.")
        parser.add_argument("--admin", required=True, help="Username of the brand's admin.")
        parser.add_argument("--email", default="", help="The admin's email, for a new account.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Brand.objects.filter(slug=options["slug"]).exists():
            raise CommandError(f"A brand with the slug {options['slug']!r} already exists.")
        users = get_user_model()
        with transaction.atomic():
            admin, created = users._default_manager.get_or_create(
                username=options["admin"], defaults={"email": options["email"]}
            )
            if created:
                admin.set_unusable_password()
            admin.is_staff = True
            admin.save()
            try:
                brand = brand_create(name=options["name"], slug=options["slug"], created_by=admin)
            except ValidationError as exc:
                messages = "; ".join(
                    f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
                )
                raise CommandError(f"The brand was not created: {messages}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Created {brand.name} ({brand.slug}) with {admin} as its admin.")
        )
        if created:
            self.stdout.write(
                f"{admin} has no password yet: run `manage.py changepassword {admin}`."
            )
