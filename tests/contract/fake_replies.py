"""Reply bodies of the fake provider, built from the documented shapes in fixtures/<vendor>/.

Error codes and messages follow shared/providers/seedream-api.md: Ark §1.6, fal §2.5 (`detail`),
OpenAI-shaped §3. The 401 replies echo the presented key, as some real APIs do, so tests can prove
that the adapters redact it.
"""

from __future__ import annotations

import base64
import copy
import enum
import json
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.contract.fake_provider import FakeProviderServer

FIXTURES = Path(__file__).parent / "fixtures"
DEFAULT_GROUP_SIZE = 15  # Ark's max_images default when `auto` comes without options
METADATA_URL = "http://169.254.169.254/latest/meta-data/iam/security-credentials/output.jpg"
FAL_APP = "fal-ai/bytedance"


class Fault(enum.Enum):
    """What the next generation request (Ark/OpenAI POST, fal submit) should suffer."""

    UNAUTHORIZED = "401"
    FORBIDDEN = "403 access denied"
    ACCOUNT_OVERDUE = "403 account overdue"
    MODEL_NOT_FOUND = "404 model"
    INVALID_PARAMETER = "400 invalid parameter"
    CONTENT_FILTER = "400 content filter"
    RATE_LIMITED = "429"
    SERVER_ERROR = "500"
    SLOW = "reply after slow_seconds"
    CONNECTION_RESET = "reset the connection after reading the request"
    INVALID_JSON = "200 with a body that is not JSON"
    PARTIAL_GROUP = "a group with one failed item"
    EXPIRED_URL = "output URLs answer 404"
    URL_METADATA = "output URLs point at 169.254.169.254"
    URL_REDIRECT_PRIVATE = "output URLs redirect to 169.254.169.254"
    FAL_STUCK = "fal: the request never leaves IN_PROGRESS"
    FAL_FAILED_RESULT = "fal: COMPLETED, and the result is a 422 content-policy error"
    STREAM_CUT = "a streamed group is cut (connection reset) after its second image"


# Faults that shape the outputs rather than the reply to the generation request itself.
OUTPUT_FAULTS = frozenset(
    {
        Fault.PARTIAL_GROUP,
        Fault.EXPIRED_URL,
        Fault.URL_METADATA,
        Fault.URL_REDIRECT_PRIVATE,
        Fault.FAL_STUCK,
        Fault.FAL_FAILED_RESULT,
        Fault.STREAM_CUT,
    }
)
STREAM_CUT_AFTER = 2


@cache
def _load(vendor: str, name: str) -> str:
    return (FIXTURES / vendor / f"{name}.json").read_text()


def load_fixture(vendor: str, name: str) -> dict[str, Any]:
    """A fresh copy of fixtures/<vendor>/<name>.json."""
    fixture: dict[str, Any] = json.loads(_load(vendor, name))
    return fixture


# Fault name -> (HTTP status, Ark code, Ark type, message).
_ARK_ERRORS: dict[str, tuple[int, str, str, str]] = {
    "UNAUTHORIZED": (
        401,
        "AuthenticationError",
        "Unauthorized",
        "The API key {token} in the request is missing or invalid.",
    ),
    "FORBIDDEN": (403, "AccessDenied", "Forbidden", "You have no permission to use this model."),
    "ACCOUNT_OVERDUE": (
        403,
        "AccountOverdueError",
        "Forbidden",
        "The request failed because your account has an overdue balance.",
    ),
    "MODEL_NOT_FOUND": (
        404,
        "InvalidEndpointOrModel.NotFound",
        "NotFound",
        "The model or endpoint seedream-4-0-250828 does not exist or you do not have access.",
    ),
    "CONTENT_FILTER": (
        400,
        "InputTextSensitiveContentDetected",
        "BadRequest",
        "The request failed because the input text may contain sensitive information.",
    ),
    "RATE_LIMITED": (
        429,
        "RateLimitExceeded.EndpointRPMExceeded",
        "TooManyRequests",
        "The request has exceeded the RPM limit of the endpoint.",
    ),
    "SERVER_ERROR": (
        500,
        "InternalServiceError",
        "InternalServerError",
        "The service encountered an unexpected internal error.",
    ),
}
# OpenAI-shaped bodies: OpenAI's own codes where aggregators use them, Ark codes passed through.
_OPENAI_CODES = {
    "UNAUTHORIZED": ("invalid_api_key", "invalid_request_error"),
    "RATE_LIMITED": ("rate_limit_exceeded", "rate_limit_error"),
    "SERVER_ERROR": ("server_error", "server_error"),
}
# fal: HTTP status and `detail` (a string, or the Pydantic list of a 422).
_FAL_ERRORS: dict[str, tuple[int, Any]] = {
    "UNAUTHORIZED": (401, "Invalid key {token}: authentication failed"),
    "FORBIDDEN": (403, "Forbidden: this key cannot call this application"),
    "ACCOUNT_OVERDUE": (403, "User is locked. Reason: Exhausted balance."),
    "MODEL_NOT_FOUND": (404, "Application 'bytedance' not found"),
    "CONTENT_FILTER": (
        422,
        [
            {
                "loc": ["body", "prompt"],
                "msg": "The prompt was flagged by the content checker",
                "type": "content_policy_violation",
            }
        ],
    ),
    "RATE_LIMITED": (429, "Too many requests"),
    "SERVER_ERROR": (500, "Internal Server Error"),
}


def error_reply(
    vendor: str, fault: Fault, token: str, retry_after: str
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """(status, body, headers) for an error fault in the vendor's own shape."""
    headers = {"Retry-After": retry_after} if fault.name == "RATE_LIMITED" else {}
    if fault.name == "INVALID_PARAMETER":
        fixture = load_fixture(
            "fal" if vendor == "fal" else "ark",
            "error_validation" if vendor == "fal" else "error_invalid_parameter",
        )
        return fixture["status"], fixture["reply"], headers
    if vendor == "fal":
        status, detail = _FAL_ERRORS[fault.name]
        detail = detail.format(token=token) if isinstance(detail, str) else detail
        return status, {"detail": detail}, headers
    status, code, kind, message = _ARK_ERRORS[fault.name]
    message = message.format(token=token) + " Request id: 0217573211390000000000000000000"
    if vendor == "openai":
        code, kind = _OPENAI_CODES.get(fault.name, (code, "invalid_request_error"))
        return status, {"error": {"message": message, "type": kind, "code": code}}, headers
    return status, {"error": {"code": code, "message": message, "param": "", "type": kind}}, headers


# The 5.x "design" models answer 400 to `sequential_image_generation` or `stream`, even as
# "disabled" / false (research §1.3, §1.7); the fake does the same, so a body that would fail
# upstream fails here too. Written from the research, not from the app's model table.
DESIGN_MODELS = frozenset(
    {
        "dola-seedream-5-0-pro-260628",
        "seedream-5-0-pro-260628",
        "seedream-5-0-flash-260915",
        "dola-seedream-5-0-flash-260915",
        "seedream-5-5-261028",
        "dola-seedream-5-5-261028",
    }
)
DESIGN_REFUSED_KEYS = (
    "sequential_image_generation",
    "sequential_image_generation_options",
    "stream",
)


def design_model_refusal(body: dict[str, Any]) -> dict[str, Any] | None:
    """The 400 reply a design model gives a body with group or stream keys, else None."""
    if body.get("model") not in DESIGN_MODELS:
        return None
    for key in DESIGN_REFUSED_KEYS:
        if key in body:
            return {
                "error": {
                    "code": "InvalidParameter",
                    "message": f"The parameter `{key}` specified in the request is not valid "
                    f"for model {body['model']}.",
                    "param": key,
                    "type": "BadRequest",
                }
            }
    return None


def _group_size(body: dict[str, Any]) -> int:
    if body.get("sequential_image_generation") != "auto":
        return 1
    options = body.get("sequential_image_generation_options") or {}
    return int(options.get("max_images", DEFAULT_GROUP_SIZE))


def ark_reply(
    fake: FakeProviderServer, body: dict[str, Any], fault: Fault | None
) -> dict[str, Any]:
    """The Ark-shaped 200 reply (§1.3): data[] of url/b64_json items, usage.generated_images."""
    template = load_fixture("ark", "response_partial_group")["reply"]
    failed_item = template["data"][1]
    width, height = fake.image_size
    count = _group_size(body)
    failed_index = 1 if count > 1 else 0
    data: list[dict[str, Any]] = []
    for index in range(count):
        if fault is not None and fault.name == "PARTIAL_GROUP" and index == failed_index:
            data.append(copy.deepcopy(failed_item))
        elif body.get("response_format") == "b64_json" and body.get("output_format") == "png":
            # PNG output (research §1.5): with a transparent background, RGBA.
            encoded = base64.b64encode(fake.png_bytes(index)).decode()
            item = {"b64_json": encoded, "size": f"{width}x{height}", "output_format": "png"}
            if body.get("background"):
                item["background"] = body["background"]
            data.append(item)
        elif body.get("response_format") == "b64_json":
            encoded = base64.b64encode(fake.image_bytes(index)).decode()
            data.append({"b64_json": encoded, "size": f"{width}x{height}"})
        else:
            data.append({"url": fake.output_url(index, fault), "size": f"{width}x{height}"})
    generated = sum(1 for item in data if "error" not in item)
    tokens = generated * width * height // 256
    return {
        "model": body.get("model", template["model"]),
        "created": int(time.time()),
        "data": data,
        "usage": {"generated_images": generated, "output_tokens": tokens, "total_tokens": tokens},
    }


def openai_reply(
    fake: FakeProviderServer, body: dict[str, Any], fault: Fault | None
) -> dict[str, Any]:
    """The OpenAI Images shape (§3.3): `created` and data[] with url or b64_json, no usage."""
    items = []
    for item in ark_reply(fake, body, fault)["data"]:
        if "error" in item:
            continue
        items.append(
            {"url": item.get("url"), "b64_json": item.get("b64_json"), "revised_prompt": None}
        )
    return {"created": int(time.time()), "data": items}


def fal_submit_reply(base_url: str, app: str, request_id: str) -> dict[str, Any]:
    """The queue submit reply (§2.5) with this server's URLs and a fresh request id."""
    reply = load_fixture("fal", "submit_reply")["reply"]
    root = f"{base_url}/{app}/requests/{request_id}"
    reply.update(
        request_id=request_id,
        response_url=root,
        status_url=f"{root}/status",
        cancel_url=f"{root}/cancel",
    )
    return reply


def fal_result(
    fake: FakeProviderServer, body: dict[str, Any], fault: Fault | None
) -> tuple[int, dict[str, Any]]:
    """(status, body) of the result URL (§2.4): `images[]` with url (a data URI in sync_mode)."""
    if fault is not None and fault.name == "FAL_FAILED_RESULT":
        return 422, {"detail": _FAL_ERRORS["CONTENT_FILTER"][1]}
    width, height = fake.image_size
    images = []
    for index in range(int(body.get("max_images", 1)) * int(body.get("num_images", 1))):
        data = fake.image_bytes(index)
        if body.get("sync_mode"):
            url = "data:image/jpeg;base64," + base64.b64encode(data).decode()
        else:
            url = fake.output_url(index, fault)
        images.append(
            {
                "url": url,
                "content_type": "image/jpeg",
                "file_name": f"{index}.jpg",
                "file_size": len(data),
                "width": width,
                "height": height,
            }
        )
    return 200, {"images": images, "seed": body.get("seed", 746406749)}


def ark_stream_events(
    fake: FakeProviderServer, body: dict[str, Any], fault: Fault | None
) -> list[tuple[str, dict[str, Any]]]:
    """The SSE events of a streamed Ark group (research §1.6): one partial event per image,
    `image_index` counting failures too, then `completed` with the usage."""
    reply = ark_reply(fake, body, None if fault is Fault.STREAM_CUT else fault)
    events: list[tuple[str, dict[str, Any]]] = []
    for index, item in enumerate(reply["data"]):
        if "error" in item:
            events.append(
                (
                    "image_generation.partial_failed",
                    {"type": "image_generation.partial_failed", "image_index": index, **item},
                )
            )
        else:
            events.append(
                (
                    "image_generation.partial_succeeded",
                    {"type": "image_generation.partial_succeeded", "image_index": index, **item},
                )
            )
    if fault is Fault.STREAM_CUT:
        return [*events[:STREAM_CUT_AFTER], ("cut", {})]
    events.append(
        (
            "image_generation.completed",
            {"type": "image_generation.completed", "usage": reply["usage"]},
        )
    )
    return events
