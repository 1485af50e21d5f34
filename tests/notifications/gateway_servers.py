"""Real HTTP servers on 127.0.0.1 for the text-channel tests: no gateway outside is ever reached."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class GatewayServer:
    """Answers every request with `status` (and a small JSON body) and remembers what it got."""

    status: int = 200
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def start(self) -> GatewayServer:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                gateway.received.append(
                    Received(
                        method=self.command,
                        path=parts.path,
                        query={k: v[0] for k, v in parse_qs(parts.query).items()},
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=self.rfile.read(length),
                    )
                )
                payload = json.dumps({"status": gateway.status}).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *args):  # keep the test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        host, port = self._server.server_address
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)


class SilentServer:
    """Accepts connections and never answers: a gateway that hangs."""

    def start(self) -> SilentServer:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        host, port = self._listener.getsockname()
        self.url = f"http://{host}:{port}"
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(connection)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()
        for connection in self.connections:
            connection.close()


# Fixtures (imported by the test modules that need them).


@pytest.fixture
def whatsapp_gateway(settings):
    server = GatewayServer().start()
    settings.WHATSAPP_API_URL = server.url + "/v21.0"
    settings.WHATSAPP_TOKEN = "token-uji"
    settings.WHATSAPP_PHONE_NUMBER_ID = "1234567890"
    settings.MESSAGE_TIMEOUT = 2
    yield server
    server.stop()


@pytest.fixture
def sms_gateway(settings):
    server = GatewayServer().start()
    settings.SMS_GATEWAY_URL = server.url + "/kirim?akun=dinas"
    settings.SMS_GATEWAY_METHOD = "POST"
    settings.SMS_NUMBER_PARAM = "nomor"
    settings.SMS_TEXT_PARAM = "pesan"
    settings.SMS_AUTH_HEADER = "X-Api-Key: kunci-uji"
    settings.MESSAGE_TIMEOUT = 2
    yield server
    server.stop()


@pytest.fixture
def silent_gateway():
    server = SilentServer().start()
    yield server
    server.stop()


@pytest.fixture
def no_text_gateway(settings):
    settings.WHATSAPP_TOKEN = settings.WHATSAPP_PHONE_NUMBER_ID = ""
    settings.SMS_GATEWAY_URL = ""
