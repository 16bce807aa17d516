"""Provider error bodies to ProviderError: read the body, classify it, phrase it, redact it.

Pure functions with no I/O (http.py maps httpx exceptions and statuses and calls into these). The
taxonomy follows shared/providers/seedream-api.md §1.6 (Ark codes), §2.5 (fal `detail`) and §3
(OpenAI-shaped bodies). Secrets are scrubbed from every text field *before* a message is cut to
length, so no fragment of a key can survive truncation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from projects.providers.base import ProviderError, ProviderErrorKind

Kind = ProviderErrorKind

MAX_MESSAGE_CHARS = 500
REDACTED = "[redacted]"


def secrets_of(api_key: str) -> tuple[str, ...]:
    """The strings to scrub for a key: the key itself and, for fal's `id:secret`, each half."""
    parts = [api_key, *api_key.split(":")] if api_key else []
    return tuple(part for part in parts if len(part) >= 6)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced, in case a provider echoes the key back in an error."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


# --- Error bodies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorDetails:
    """What an error body says, whatever its shape."""

    code: str = ""
    message: str = ""
    param: str = ""


def error_details(payload: object) -> ErrorDetails:
    """Read code, message and param from the error bodies the providers send.

    Ark and OpenAI: `{"error": {"code", "message", "param", "type"}}` (OpenAI's code may be null,
    then the type stands in). fal: `{"detail": "..."}` or a Pydantic list
    `{"detail": [{"loc", "msg", "type"}]}`, and `{"error": "...", "error_type": ...}` on a
    completed status. Object storage (a mangled signed URL): `{"Code", "Message"}`.
    """
    if not isinstance(payload, Mapping):
        return ErrorDetails()
    error, detail = payload.get("error"), payload.get("detail")
    if isinstance(error, Mapping):
        code = error.get("code") or error.get("type") or ""
        return ErrorDetails(
            str(code), str(error.get("message") or ""), str(error.get("param") or "")
        )
    if isinstance(error, str):
        return ErrorDetails(str(payload.get("error_type") or ""), error)
    if isinstance(detail, str):
        return ErrorDetails(str(payload.get("error_type") or ""), detail)
    if isinstance(detail, list) and detail and isinstance(detail[0], Mapping):
        return _pydantic_details(detail)
    if "Code" in payload:
        return ErrorDetails(str(payload["Code"]), str(payload.get("Message") or ""))
    return ErrorDetails()


def _pydantic_details(detail: list[Any]) -> ErrorDetails:
    first = detail[0]
    location = [str(part) for part in first.get("loc") or () if part != "body"]
    messages = [str(item.get("msg", "")) for item in detail if isinstance(item, Mapping)]
    return ErrorDetails(str(first.get("type") or ""), "; ".join(messages), ".".join(location))


# Codes from seedream-api.md §1.6 (Ark), §2.5 (fal) and the OpenAI error codes aggregators reuse.
_CONTENT_MARKERS = ("SensitiveContentDetected", "RiskDetection", "ContentSecurityDetection")
_CONTENT_CODES = {"content_policy_violation", "moderation_blocked"}
_BILLING_CODES = {
    "AccountOverdueError",
    "QuotaExceeded",
    "insufficient_quota",
    "billing_hard_limit_reached",
}
_RATE_CODES = {
    "ServerOverloaded",
    "RequestBurstTooFast",
    "SetLimitExceeded",
    "InflightBatchsizeExceeded",
    "rate_limit_exceeded",
}
# InvalidEndpoint.ClosedEndpoint (a 400) means the endpoint is disabled: an operator must act,
# like a model that is not activated, so it joins the authentication family (alert, no retry).
_AUTH_PREFIXES = ("InvalidEndpoint", "ModelNotOpen", "OperationDenied")
_AUTH_CODES = {"AuthenticationError", "AccessDenied", "invalid_api_key", "Unauthorized"}
_INVALID_CODES = {"MissingParameter", "BadRequest"}
_UNAVAILABLE_CODES = {"InternalServiceError", "InternalServerError", "server_error"}


def classify_code(code: str) -> ProviderErrorKind | None:
    """The kind a provider error code names, or None when the code alone does not say.

    Generic OpenAI error *types* (`invalid_request_error` is also used for a bad key) match
    nothing here, so the HTTP status decides for them.
    """
    if any(marker in code for marker in _CONTENT_MARKERS) or code in _CONTENT_CODES:
        return Kind.CONTENT_POLICY
    if code in _BILLING_CODES:
        return Kind.BILLING
    if code in _RATE_CODES or "RateLimit" in code:
        return Kind.RATE_LIMITED
    if code in _AUTH_CODES or code.startswith(_AUTH_PREFIXES) or code == "model_not_found":
        return Kind.AUTHENTICATION
    if code in _INVALID_CODES or code.startswith("InvalidParameter"):
        return Kind.INVALID_PARAMETER
    if code in _UNAVAILABLE_CODES:
        return Kind.UNAVAILABLE
    return None


def classify(status: int | None, code: str = "") -> ProviderErrorKind:
    """The kind of a failure: the error code first (it is more precise), then the HTTP status.

    With no status (a failed item inside a 200 group) an unknown code counts as unavailable: the
    Ark doc says item errors are moderation or an internal error.
    """
    by_code = classify_code(code) if code else None
    if by_code is not None:
        return by_code
    if status in (401, 403, 404):
        return Kind.AUTHENTICATION
    if status == 402:
        return Kind.BILLING
    if status == 429:
        return Kind.RATE_LIMITED
    if status is None or status in (408, 425) or status >= 500:
        return Kind.UNAVAILABLE
    return Kind.INVALID_PARAMETER


_SUMMARIES = {
    Kind.AUTHENTICATION: "the API key was refused, or the model is not enabled for it",
    Kind.BILLING: "the provider account cannot be billed (arrears or quota spent)",
    Kind.INVALID_PARAMETER: "the provider rejected the request",
    Kind.CONTENT_POLICY: "the content was refused by the provider's moderation",
    Kind.RATE_LIMITED: "rate limited by the provider",
    Kind.UNAVAILABLE: "the provider is unavailable",
    Kind.MALFORMED_RESPONSE: "the provider sent a reply we cannot read",
}


def compose_message(
    provider: str, kind: ProviderErrorKind, details: ErrorDetails, *, status: int | None
) -> str:
    """A one-line message fit for a user: who, what kind, the status and code, the provider text."""
    facts = ", ".join(part for part in (f"HTTP {status}" if status else "", details.code) if part)
    message = f"{provider}: {_SUMMARIES[kind]}"
    if facts:
        message += f" ({facts})"
    if details.message:
        message += f": {details.message}"
    return message[:MAX_MESSAGE_CHARS]


def error_from_details(
    details: ErrorDetails,
    *,
    provider: str,
    secrets: Iterable[str] = (),
    status: int | None = None,
    retry_after: float | None = None,
    may_have_billed: bool = False,
) -> ProviderError:
    """A ProviderError for an error object, redacted, whatever status (or none) came with it."""
    secrets = tuple(secrets)
    details = ErrorDetails(
        *(redact(text, secrets) for text in (details.code, details.message, details.param))
    )
    kind = classify(status, details.code)
    return ProviderError(
        kind,
        compose_message(provider, kind, details, status=status),
        provider=provider,
        code=details.code,
        http_status=status,
        retry_after=retry_after if kind is Kind.RATE_LIMITED or status == 503 else None,
        may_have_billed=may_have_billed,
        field=details.param,
    )


def malformed(provider: str, what: str, *, may_have_billed: bool = True) -> ProviderError:
    """A reply we cannot use. After a 2xx to a submit the work was likely done (and billed)."""
    return ProviderError(
        Kind.MALFORMED_RESPONSE,
        f"{provider}: {_SUMMARIES[Kind.MALFORMED_RESPONSE]}: {what}"[:MAX_MESSAGE_CHARS],
        provider=provider,
        may_have_billed=may_have_billed,
    )
