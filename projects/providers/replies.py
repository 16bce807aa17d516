"""Reading a provider's JSON reply without holding every reply of a wave in memory at once.

A thread-pool worker waits on up to WORKER_THREADS calls, and their answers tend to arrive
together. A 2K image as `b64_json` is a ~7 MB reply; read with `response.content` and parsed at
once, 50 of them cost the body, the parsed string, its decode and the pixels each, all at the same
moment (500 MB peak measured in bench/pipeline.py --realistic). So a reply is streamed to a
`SpooledTemporaryFile` (small replies stay in memory, large ones go to a temp file) under a byte
cap, and a large one is parsed only while holding one of the process's reply slots
(image_slots.reply_work): at most that many replies are in memory as JSON at a time, whatever
the number of threads; the others wait on disk.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import httpx

from projects.image_slots import reply_work
from projects.providers.downloads import DEFAULT_MAX_BYTES
from projects.providers.errors import malformed

# Replies up to this size stay in memory: a URL-format reply or an error is a few kB.
SPOOL_MEMORY_BYTES = 256 * 1024
# The most a reply may hold: a 15-image group (Seedream's largest) of images each under the
# download cap, as base64 (4/3 larger), plus room for the JSON around them.
MAX_IMAGES_PER_REPLY = 15
REPLY_MAX_BYTES = MAX_IMAGES_PER_REPLY * DEFAULT_MAX_BYTES * 4 // 3 + 1024 * 1024
# An error reply is read only this far: its message is all we keep of it.
ERROR_MAX_BYTES = 1024 * 1024


class ReplyTooLarge(Exception):
    """The reply body went over its cap."""


@dataclass
class SpooledReply:
    """A reply body in a spooled temp file (rewound), with its size."""

    file: IO[bytes]
    size: int

    @property
    def is_large(self) -> bool:
        """Over the in-memory limit: it carries image bytes, not just metadata."""
        return self.size > SPOOL_MEMORY_BYTES


def spool_body(response: httpx.Response, *, max_bytes: int | None = None) -> SpooledReply:
    """The streamed response's body, spooled; ReplyTooLarge past the cap.

    httpx exceptions (a dropped connection mid-body) pass through for the caller to map.
    """
    max_bytes = REPLY_MAX_BYTES if max_bytes is None else max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ReplyTooLarge(f"the reply is {int(declared):,} bytes; the cap is {max_bytes:,}")
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
    try:
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > max_bytes:
                raise ReplyTooLarge(f"the reply is over the {max_bytes:,}-byte cap")
            spool.write(chunk)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return SpooledReply(spool, total)


def read_error_body(response: httpx.Response) -> httpx.Response:
    """A non-2xx streamed response as a plain one whose body holds at most ERROR_MAX_BYTES,
    for errors.py to read the message from."""
    collected = bytearray()
    for chunk in response.iter_bytes():
        collected += chunk[: ERROR_MAX_BYTES - len(collected)]
        if len(collected) >= ERROR_MAX_BYTES:
            break
    return httpx.Response(response.status_code, headers=response.headers, content=bytes(collected))


@contextmanager
def parsed_reply(
    reply: SpooledReply, *, provider: str, is_submit: bool
) -> Iterator[dict[str, Any]]:
    """The reply's JSON object for the block; a large reply holds a reply slot for the block,
    so its parsed text and what the block decodes from it are bounded per process."""
    with reply_work() if reply.is_large else _no_slot():
        try:
            payload = json.load(reply.file)
        except ValueError:
            payload = None
        finally:
            reply.file.close()
        if not isinstance(payload, dict):
            raise malformed(provider, "the reply is not a JSON object", may_have_billed=is_submit)
        yield payload


@contextmanager
def _no_slot() -> Iterator[None]:
    yield
