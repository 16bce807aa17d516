"""The campaign page keeps what the user typed: across a template pick and after queueing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from projects.models import Generation
from tests.projects.review_support import inline_queue  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert match, f"no textarea {name}"
    return match[1].strip()


def selected(page: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert match, f"no select {name}"
    option = re.search(r'<option value="([^"]*)"[^>]*selected', match[1])
    return option[1] if option else ""


def test_picking_a_template_keeps_the_prompt_and_the_other_choices(studio: Any) -> None:
    client = client_for(studio.marketer)
    page = client.get(
        studio.campaign.get_absolute_url(),
        {
            "template_pick": "1",
            "template": studio.template.pk,
            "prompt": "a cold brew bottle on a sunny counter",
            "mode": "group",
            "size": "2560x1440",
            "variants": "2",
        },
    ).content.decode()

    assert textarea(page, "prompt") == "a cold brew bottle on a sunny counter"
    assert selected(page, "mode") == "group"
    assert selected(page, "poster_template") == str(studio.template.pk)
    assert 'name="slot_product"' in page  # the template's slots appeared
    assert re.search(r'name="variants" value="2"', page)


def test_after_queueing_the_form_keeps_the_input(studio: Any) -> None:
    client = client_for(studio.marketer)
    posted = {
        "poster_template": studio.template.pk,
        "slot_product": "cold brew",
        "prompt": "on a marble counter",
        "mode": "text_to_image",
        "size": "2560x1440",
        "variants": "1",
        "group_size": "4",
        "provider": "local",
    }
    response = client.post(studio.campaign.get_absolute_url(), posted)
    assert response.status_code == 302
    assert Generation.objects.filter(campaign=studio.campaign).count() == 1

    page = client.get(response["Location"]).content.decode()

    assert textarea(page, "prompt") == "on a marble counter"
    assert re.search(r'name="slot_product"[^>]*value="cold brew"', page) or re.search(
        r'value="cold brew"[^>]*name="slot_product"', page
    )
    assert 'name="watermark"' in page and not re.search(r'name="watermark"[^>]*checked', page)
    # Kept once: a later visit starts from the defaults again.
    assert textarea(client.get(studio.campaign.get_absolute_url()).content.decode(), "prompt") == ""


def test_a_finished_batch_offers_no_cancel_and_reproductions_stay_off_the_list(
    studio: Any,
) -> None:
    from django.test import TestCase

    from projects.services.reproductions import reproduction_request
    from tests.projects.generation_support import ask
    from tests.projects.review_support import first_version

    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = ask(studio, provider="local", size="1280x720", variants=2)
    version = first_version(studio)
    with TestCase.captureOnCommitCallbacks(execute=True):
        reproduction = reproduction_request(version=version, user=studio.marketer)

    page = client_for(studio.marketer).get(studio.campaign.get_absolute_url()).content.decode()

    assert f'data-batch="{batch[0].batch_id}"' in page
    assert "Cancel remaining" not in page
    assert f'data-generation="{version.generation_id}"' in page
    assert f'data-generation="{reproduction.generation_id}"' not in page


def test_the_reference_picker_shows_current_pack_versions_and_hides_older_ones(
    studio: Any,
) -> None:
    from brandkit.services.reference_packs import (
        reference_pack_new_version,
        reference_pack_publish,
    )

    v2 = reference_pack_publish(
        pack=reference_pack_new_version(pack=studio.pack), user=studio.admin
    )

    page = client_for(studio.marketer).get(studio.campaign.get_absolute_url()).content.decode()
    picker = page.split('class="reference-picker"')[1].split("</fieldset>")[0]
    current, older = picker.split("<details", 1)

    assert current.count(f"{v2.name} v2 #") == 2 and f"{v2.name} v1 #" not in current
    assert "Older pack versions (1)" in older and older.count(f"{v2.name} v1 #") == 2
