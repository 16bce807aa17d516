"""ModelArk's streamed group replies (research §1.6): Server-Sent Events, one per image.

    event: image_generation.partial_succeeded   data: {"image_index", "url" | "b64_json", "size"}
    event: image_generation.partial_failed      data: {"image_index", "error": {code, message}}
    event: image_generation.completed           data: {"usage": {...}}
    data: [DONE]                                 (seen in a third-party fixture; optional)

`image_index` is 0-based and counts failures too. Only the batch-family models (4.0, 4.5,
5.0 Lite) stream; the request is the same single billed request as without streaming, the
images simply arrive one by one, so each can be stored and shown before the last is made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

PARTIAL_SUCCEEDED = "image_generation.partial_succeeded"
PARTIAL_FAILED = "image_generation.partial_failed"
COMPLETED = "image_generation.completed"
DONE = "[DONE]"


@dataclass(frozen=True)
class StreamEvent:
    type: str
    data: Any  # the decoded JSON, or the raw text when it is not JSON (e.g. "[DONE]")


def sse_events(lines: Iterable[str]) -> Iterator[StreamEvent]:
    """Events from SSE lines: `event:` names the type, `data:` lines (joined) the payload, a
    blank line ends the event. An event without a type takes it from its JSON `type` field."""
    event_type, data_lines = "", []
    for raw in lines:
        line = raw.rstrip("\r")
        if not line:
            if data_lines:
                yield _event(event_type, "\n".join(data_lines))
            event_type, data_lines = "", []
            continue
        if line.startswith(":"):
            continue  # a comment / keep-alive
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            event_type = value
        elif field == "data":
            data_lines.append(value)
    if data_lines:
        yield _event(event_type, "\n".join(data_lines))


def _event(event_type: str, text: str) -> StreamEvent:
    if text.strip() == DONE:
        return StreamEvent(DONE, DONE)
    try:
        data = json.loads(text)
    except ValueError:
        return StreamEvent(event_type or "invalid", text)
    if not event_type and isinstance(data, dict):
        event_type = str(data.get("type", ""))
    return StreamEvent(event_type, data)
