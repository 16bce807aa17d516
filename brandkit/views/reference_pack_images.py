"""Editing a draft pack's images: upload several at once, caption, remove, move, reorder.

Only brand admins reach these (403 for other members, 404 for non-members); a pack that is no
longer a draft refuses every change through the services, and the refusal is shown, never a 500.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from brandkit.admin.forms import read_upload
from brandkit.exceptions import BrandkitError, ImmutableVersion
from brandkit.forms import ImageMoveForm, ReferenceImageCaptionForm, ReferenceImageUploadForm
from brandkit.images import ImageRejected
from brandkit.models import ReferencePack
from brandkit.services.reference_packs import (
    reference_pack_add_image,
    reference_pack_remove_image,
    reference_pack_reorder,
    reference_pack_update_image,
)
from brandkit.views.reference_packs import (
    UploadOutcome,
    back_to,
    caption_prefix,
    image_of,
    pack_for_admin,
    pack_or_404,
    render_pack,
)


def _add_upload(pack: ReferencePack, upload: UploadedFile) -> UploadOutcome:
    """Hand one file to the service; its refusal (with the validator's message) stays its own."""
    filename = upload.name or "unnamed file"
    try:
        data = read_upload(upload, max_bytes=settings.MAX_UPLOAD_BYTES)
        image = reference_pack_add_image(pack=pack, data=data)
    except ValidationError as exc:
        return UploadOutcome(filename=filename, message=" ".join(exc.messages))
    except (ImageRejected, BrandkitError) as exc:
        return UploadOutcome(filename=filename, message=exc.message)
    return UploadOutcome(filename=filename, image=image)


@login_required
@require_POST
def reference_pack_image_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload several images at once: the valid ones are saved, each refusal is shown next to
    its file name. All saved: back to the page. Any refused: the page with the verdicts."""
    pack = pack_for_admin(request, pk)
    form = ReferenceImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_pack(request, pack, upload_form=form, status=400)
    outcomes = [_add_upload(pack, upload) for upload in form.cleaned_data["images"]]
    saved = [outcome for outcome in outcomes if outcome.is_saved]
    if len(saved) == len(outcomes):
        names = ", ".join(outcome.filename for outcome in saved)
        messages.success(request, f"Saved {len(saved)} image{'s' * (len(saved) != 1)}: {names}.")
        return back_to(pack)
    pack = pack_or_404(request, pk)  # again: the grid shows the images just saved
    return render_pack(request, pack, upload_outcomes=outcomes, status=200 if saved else 400)


@login_required
@require_POST
def reference_pack_image_remove(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    pack = pack_for_admin(request, pk)
    image = image_of(pack, image_pk)
    try:
        reference_pack_remove_image(image=image)
    except BrandkitError as exc:
        messages.error(request, exc.message)
    else:
        label = f"“{image.caption}”" if image.caption else f"#{image.position + 1}"
        messages.success(request, f"Removed image {label} from {pack}.")
    return back_to(pack)


@login_required
@require_POST
def reference_pack_image_caption(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    pack = pack_for_admin(request, pk)
    image = image_of(pack, image_pk)
    form = ReferenceImageCaptionForm(request.POST, prefix=caption_prefix(image))
    if form.is_valid():
        try:
            reference_pack_update_image(image=image, caption=form.cleaned_data["caption"])
        except BrandkitError as exc:
            messages.error(request, exc.message)
            return back_to(pack)
        except ValidationError as exc:
            form.add_error("caption", exc.messages)
        else:
            messages.success(request, f"Caption of image #{image.position + 1} saved.")
            return back_to(pack, f"image-{image.pk}")
    return render_pack(request, pack, caption_form=(image.pk, form), status=400)


@login_required
@require_POST
def reference_pack_image_move(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    """Move one image a place earlier or later: the no-JavaScript and keyboard way to reorder."""
    pack = pack_for_admin(request, pk)
    image = image_of(pack, image_pk)
    form = ImageMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether to move the image earlier or later.")
        return back_to(pack)
    order = [each.pk for each in pack.images.all()]
    index = order.index(image.pk)
    target = index - 1 if form.cleaned_data["direction"] == "earlier" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        try:
            reference_pack_reorder(pack=pack, image_ids=order)
        except BrandkitError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Moved the image to place {target + 1}.")
    return back_to(pack, f"image-{image.pk}")


def _posted_order(request: HttpRequest) -> list[int] | None:
    """The image ids of a reorder request: JSON `{"order": [..]}` or form fields `order`."""
    if request.content_type == "application/json":
        try:
            values = json.loads(request.body or b"null")
        except ValueError:
            return None
        values = values.get("order") if isinstance(values, dict) else None
    else:
        values = request.POST.getlist("order")
    if not isinstance(values, list):
        return None
    order: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | str):
            return None
        if isinstance(value, str) and not value.isdigit():
            return None
        order.append(int(value))
    return order


@login_required
@require_POST
def reference_pack_reorder_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a draft's images in the posted order (every image id once), as drag and drop does.

    A JSON request (the page's script) gets JSON back: 200 with the order, 400 with `error` for
    a bad list, 409 for a pack that is no longer a draft. A form post gets a message.
    """
    pack = pack_for_admin(request, pk)
    wants_json = request.content_type == "application/json"
    order = _posted_order(request)
    status, message = 200, "Order saved."
    if order is None:
        status, message = 400, "The order must be a list of image ids."
    else:
        try:
            reference_pack_reorder(pack=pack, image_ids=order)
        except ImmutableVersion as exc:
            status, message = 409, exc.message
        except BrandkitError as exc:
            status, message = 400, exc.message
    if wants_json:
        if status != 200:
            return JsonResponse({"error": message}, status=status)
        return JsonResponse({"order": order, "message": message})
    (messages.success if status == 200 else messages.error)(request, message)
    return back_to(pack)
