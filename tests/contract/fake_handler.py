"""The HTTP side of the fake provider: one request handler that routes, records and replies.

Kept apart from fake_provider.py (the public API) so each module stays small; reply bodies come
from fake_replies.py.
"""

from __future__ import annotations

import json
import socket
import struct
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from tests.contract.fake_replies import (
    FAL_APP,
    OUTPUT_FAULTS,
    Fault,
    ark_reply,
    ark_stream_events,
    design_model_refusal,
    error_reply,
    fal_result,
    fal_submit_reply,
    openai_reply,
)

if TYPE_CHECKING:
    from tests.contract.fake_provider import FakeProviderServer


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # A worker opens dozens of connections at once; the default backlog of 5 would drop SYNs and
    # add a 1 s retransmit to some of them.
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that time out or are reset on purpose are expected here; stay quiet."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus the client's delayed
    # ACK adds ~40 ms to every reply, which would swamp the benchmark's measurements.
    disable_nagle_algorithm = True
    fake: FakeProviderServer

    def log_message(self, format: str, *args: object) -> None:
        """No access log on stderr."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.fake._record(RecordedRequest(self.command, self.path, headers, body))
        path = self.path.split("?", 1)[0]
        if self.command == "POST" and path in (
            "/api/v3/images/generations",
            "/v1/images/generations",
        ):
            self._generation("ark" if path.startswith("/api/v3") else "openai", body)
        elif self.command == "POST" and path.startswith(("/fal-ai/", "/bytedance/")):
            # fal serves the newer Seedream versions without the `fal-ai/` prefix (research §2).
            self._fal_submit(body)
        elif path.startswith(f"/{FAL_APP}/requests/"):
            self._fal_request(path.removeprefix(f"/{FAL_APP}/requests/"))
        elif path.startswith("/files/"):
            self._file(path.removeprefix("/files/"))
        elif path == "/redirect-loop":
            self._send(302, b"", "text/plain", {"Location": "/redirect-loop"})
        elif path.startswith("/redirect/"):
            self._send(302, b"", "text/plain", {"Location": self.fake.redirect_target})
        else:
            self._send_json(404, {"detail": f"no route for {self.command} {path}"})

    # --- replies ---------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", headers or {})

    def _reset_connection(self) -> None:
        # SO_LINGER 0 makes close() send an RST: the client sees a reset after sending its body.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _transport_fault(self, fault: Fault | None) -> bool:
        """Apply a fault that replaces the reply; True when the request is fully handled."""
        if fault is Fault.CONNECTION_RESET:
            self._reset_connection()
            return True
        if fault is Fault.SLOW:
            self.fake._pause(self.fake.slow_seconds)
            return False
        if fault is Fault.INVALID_JSON:
            self._send(200, b'{"data": [ this is not json', "application/json", {})
            return True
        return False

    def _generation(self, vendor: str, raw_body: bytes) -> None:
        fake, fault = self.fake, self.fake._next_fault()
        if self._transport_fault(fault):
            return
        token = self.headers.get("Authorization", "").partition(" ")[2]
        if fault is not None and fault not in OUTPUT_FAULTS and fault is not Fault.SLOW:
            status, payload, headers = error_reply(vendor, fault, token, fake.retry_after)
            self._send_json(status, payload, headers)
            return
        fake._pause(fake.latency)
        body = json.loads(raw_body)
        refusal = design_model_refusal(body)
        if refusal is not None:
            self._send_json(400, refusal)
            return
        if vendor == "ark" and body.get("stream") is True:
            self._stream(body, fault)
            return
        if vendor == "openai" and fake.openai_reply_shape == "openai":
            self._send_json(200, openai_reply(fake, body, fault))
        else:
            self._send_json(200, ark_reply(fake, body, fault), {"X-Request-Id": uuid.uuid4().hex})

    def _stream(self, body: dict[str, Any], fault: Fault | None) -> None:
        """A streamed group: SSE events written one by one, then `[DONE]`; a cut stream resets
        the connection midway."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        self.end_headers()
        self.close_connection = True
        for number, (event_type, data) in enumerate(ark_stream_events(self.fake, body, fault)):
            if event_type == "cut":
                self.wfile.flush()
                self._reset_connection()
                return
            self.wfile.write(f"event: {event_type}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()
            gate = self.fake.stream_gate
            if number == 0 and gate is not None:
                gate.wait(10)
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _fal_submit(self, raw_body: bytes) -> None:
        fake, fault = self.fake, self.fake._next_fault()
        if self._transport_fault(fault):
            return
        if fault is not None and fault not in OUTPUT_FAULTS and fault is not Fault.SLOW:
            token = self.headers.get("Authorization", "").partition(" ")[2]
            self._send_json(*error_reply("fal", fault, token, fake.retry_after))
            return
        request_id = fake._new_fal_job(json.loads(raw_body), fault)
        self._send_json(200, fal_submit_reply(fake.url, FAL_APP, request_id))

    def _fal_request(self, rest: str) -> None:
        request_id, _, action = rest.partition("/")
        if self.command == "PUT" and action == "cancel":
            self._send_json(202, {"status": "CANCELLATION_REQUESTED"})
            return
        if action == "status":
            status = self.fake._fal_status(request_id)
            if status is None:
                self._send_json(404, {"detail": "Request not found"})
            else:
                self._send_json(200, {"status": status, "request_id": request_id, "logs": None})
            return
        job = self.fake._fal_jobs.get(request_id)
        if job is None:
            self._send_json(404, {"detail": "Request not found"})
        else:
            self._send_json(*fal_result(self.fake, job.body, job.fault))

    def _file(self, name: str) -> None:
        stem = name.removesuffix(".jpg")
        if stem.startswith("error-"):
            self._send_json(503, {"detail": "storage temporarily unavailable"})
            return
        if not stem.isdigit():
            self._send(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml", {})
            return
        self._send(200, self.fake.image_bytes(int(stem)), "image/jpeg", {})
