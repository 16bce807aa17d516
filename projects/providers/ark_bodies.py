"""The ModelArk request body for each model of the table (also sent, nearly as is, to
OpenAI-compatible aggregators). Pure: a spec and a table entry in, a dict out.

Each body carries only the keys its model takes (research §1.3-1.4):
- group models (4.0, 4.5, 5.0 Lite): `sequential_image_generation` ("auto" with
  `sequential_image_generation_options.max_images` for a group, "disabled" for one image), and
  `stream` where the transport sends it. The seed model's body, seedream-4-0-250828, stays
  exactly what the official SDK sends and what existing rows stored.
- design models (5.0 Pro, 5.0 Flash, 5.5): neither key, not even as "disabled" or false: they
  answer 400 to either.
- `output_format` and `background` only where the model documents them, and only when asked.
- never `guidance_scale` or `image_guidance_scale` (no 4.x/5.x model documents them) and no
  `seed`: whether 4.x/5.x honour it is unconfirmed, so sending it would promise a
  reproducibility we cannot keep (reproduction rests on the stored payload and bytes).
"""

from __future__ import annotations

from typing import Any

from projects.providers.base import GenerationSpec
from projects.providers.catalog import ModelCapabilities
from projects.providers.model_rules import effective_output_format


def ark_body(
    spec: GenerationSpec,
    model: ModelCapabilities,
    *,
    model_id: str,
    image_as_list: bool = False,
    send_stream: bool = True,
    stream: bool = False,
) -> dict[str, Any]:
    """The body for `model_id` (sent as is; `model` gives its rules). `image_as_list`: one
    reference as a one-item list (aggregators) instead of a string (the Ark doc's form)."""
    body: dict[str, Any] = {"model": model_id, "prompt": spec.prompt}
    if spec.references:
        refs = spec.references
        body["image"] = list(refs) if image_as_list or len(refs) > 1 else refs[0]
    body["size"] = spec.size
    if model.api_shape == "group":
        if spec.max_images > 1:
            body["sequential_image_generation"] = "auto"
            body["sequential_image_generation_options"] = {"max_images": spec.max_images}
        else:
            body["sequential_image_generation"] = "disabled"
    output_format = effective_output_format(spec, model)
    if output_format:
        body["output_format"] = output_format
    if spec.background:
        body["background"] = spec.background
    body["response_format"] = spec.response_format
    body["watermark"] = spec.watermark
    if send_stream and model.stream:
        body["stream"] = stream
    return body
