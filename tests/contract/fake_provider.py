"""A loopback fake of the hosted Seedream 4.0 contracts: Ark, OpenAI-compatible and the fal queue.

Real HTTP on 127.0.0.1 (a ThreadingHTTPServer on port 0 in a daemon thread) that answers with the
documented reply shapes (tests/contract/fixtures/<vendor>/), serves real JPEG bytes made by Pillow,
injects faults on request and records every request it receives. The pipeline benchmark reuses it
with a fixed latency and full-size images:

    with FakeProviderServer(latency=2.0, image_size=(2048, 2048)) as server:
        provider = get_provider("ark", base_url=server.ark_base_url, api_key="key")
        server.script(Fault.RATE_LIMITED)        # the next generation request gets a 429
        ...
        assert len(server.posts()) == 1

Routes: `POST /api/v3/images/generations` (Ark), `POST /v1/images/generations` (OpenAI-compatible),
`POST /fal-ai/bytedance/seedream/v4/{text-to-image,edit}` and the fal queue's status, result and
cancel URLs, `GET /files/<n>.jpg` (output images), `/files/expired-<n>.jpg` (404),
`/files/error-<n>.jpg` (503), `/redirect/<n>` (302 to the cloud metadata address, which a client
must refuse to follow) and `/redirect-loop` (302 to itself).
"""

from __future__ import annotations

import functools
import io
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw

from tests.contract.fake_handler import Handler, QuietServer, RecordedRequest
from tests.contract.fake_replies import FAL_APP, METADATA_URL, OUTPUT_FAULTS, Fault

__all__ = [
    "FAL_APP",
    "METADATA_URL",
    "OUTPUT_FAULTS",
    "FakeProviderServer",
    "Fault",
    "RecordedRequest",
    "make_jpeg",
]


@dataclass
class _FalJob:
    body: dict[str, Any]
    fault: Fault | None
    submitted_at: float = field(default_factory=time.monotonic)
    polls: int = 0


@functools.lru_cache(maxsize=64)
def make_jpeg(size: tuple[int, int], index: int = 0) -> bytes:
    """A real JPEG: a noisy gradient tinted by `index` (noise keeps 2K files realistically big)."""
    width, height = size
    noise = Image.effect_noise((width, height), 48).convert("RGB")
    tint = Image.new("RGB", (width, height), ((index * 67) % 256, (index * 131) % 256, 180))
    image = Image.blend(noise, tint, 0.6)
    ImageDraw.Draw(image).rectangle((0, 0, width // 4, height // 4), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_transparent_png(size: tuple[int, int], index: int = 0) -> bytes:
    """A real RGBA PNG: an opaque disc on a fully transparent ground (a cut-out product)."""
    width, height = size
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse(
        (width // 4, height // 4, 3 * width // 4, 3 * height // 4),
        fill=((index * 67) % 256, 90, 200, 255),
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class FakeProviderServer:
    """The fake; use as a context manager, or `start()` / `stop()`.

    `latency`: seconds every generation takes (Ark/OpenAI reply late; a fal job completes late).
    `image_size`: the JPEGs served. `slow_seconds`: how long `Fault.SLOW` stalls. `retry_after`:
    the Retry-After header of a 429. `openai_reply_shape`: "ark" (CometAPI) or "openai".
    `fal_waiting_statuses`: what the fal status URL reports before COMPLETED, one per poll.
    `redirect_target`: where `/redirect/<n>` sends clients (default: the metadata address).
    """

    def __init__(
        self,
        *,
        latency: float = 0.0,
        image_size: tuple[int, int] = (256, 256),
        slow_seconds: float = 2.0,
        retry_after: str = "7",
    ) -> None:
        self.latency = latency
        self.image_size = image_size
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.openai_reply_shape = "ark"
        self.redirect_target = METADATA_URL  # where /redirect/<n> points
        self.fal_waiting_statuses: tuple[str, ...] = ("IN_QUEUE", "IN_PROGRESS")
        # Streamed Ark groups: when set, the stream holds after its first image until the test
        # sets it (so a test can look at the app while the request is still open).
        self.stream_gate: threading.Event | None = None
        self.requests: list[RecordedRequest] = []
        self._faults: deque[Fault] = deque()
        self._fal_jobs: dict[str, _FalJob] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: QuietServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeProviderServer:
        handler = type("BoundHandler", (Handler,), {"fake": self})
        self._server = QuietServer(("127.0.0.1", 0), handler)
        # A short poll interval keeps stop() fast (shutdown waits for one poll).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- what tests use --------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def ark_base_url(self) -> str:
        return f"{self.url}/api/v3"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def fal_queue_url(self) -> str:
        return self.url

    def script(self, *faults: Fault) -> None:
        """Queue faults: each generation request takes the next one; then normal service."""
        with self._lock:
            self._faults.extend(faults)

    def reset(self) -> None:
        """Forget recorded requests, scripted faults and fal jobs."""
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self._fal_jobs.clear()

    def posts(self) -> list[RecordedRequest]:
        return [request for request in self.requests if request.method == "POST"]

    def file_requests(self) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path.startswith("/files/")]

    def image_bytes(self, index: int) -> bytes:
        return make_jpeg(self.image_size, index)

    def png_bytes(self, index: int) -> bytes:
        return make_transparent_png(self.image_size, index)

    def output_url(self, index: int, fault: Fault | None = None) -> str:
        """Where output `index` lives; a signed-looking query, as Ark's TOS links have."""
        if fault is Fault.EXPIRED_URL:
            return f"{self.url}/files/expired-{index}.jpg"
        if fault is Fault.URL_METADATA:
            return METADATA_URL
        if fault is Fault.URL_REDIRECT_PRIVATE:
            return f"{self.url}/redirect/{index}"
        return (
            f"{self.url}/files/{index}.jpg?X-Tos-Algorithm=TOS4-HMAC-SHA256"
            "&X-Tos-Expires=86400&X-Tos-Signature=0a1b%2F2c3d"
        )

    # --- used by the handler ---------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _new_fal_job(self, body: dict[str, Any], fault: Fault | None) -> str:
        request_id = str(uuid.uuid4())
        with self._lock:
            self._fal_jobs[request_id] = _FalJob(body, fault)
        return request_id

    def _fal_status(self, request_id: str) -> str | None:
        with self._lock:
            job = self._fal_jobs.get(request_id)
            if job is None:
                return None
            job.polls += 1
            elapsed = time.monotonic() - job.submitted_at
            waiting = self.fal_waiting_statuses
            if job.fault is Fault.FAL_STUCK:
                return "IN_PROGRESS"
            if job.polls <= len(waiting):
                return waiting[job.polls - 1]
            return "COMPLETED" if elapsed >= self.latency else "IN_PROGRESS"
