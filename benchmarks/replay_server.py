"""A server that does no work: it answers each XML-RPC call with bytes recorded beforehand.

``benchmarks/xmlrpc_sandbox.py`` runs it beside the sandbox and sends it the same calls,
interleaved, so both see the same machine: what the same client takes against a server
whose own cost is nothing is the floor under any server's p50 on that machine, and the
sandbox's p50 minus that floor is what the sandbox itself costs.

Each answer is a file ``<method>.xml`` in ``--answers`` (the raw body the sandbox sent
for that method); a call is matched by its method name, found as ``<string>METHOD</string>``
in the request, with no XML parsing. Two stacks:

- ``uvicorn``: the sandbox's own HTTP stack (``serving.LoopbackServer``: uvicorn with
  httptools), with a bare ASGI app;
- ``socket``: the standard library only, one blocking thread per connection and the least
  HTTP/1.1 that ``xmlrpc.client`` needs (Content-Length bodies, kept-alive connections).

Usage::

    python benchmarks/replay_server.py --stack uvicorn --port 8070 --answers DIR --for 600

Binds 127.0.0.1 only; exits by itself after ``--for`` seconds.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"
NOT_FOUND = (
    b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 34\r\n\r\n"
    b"no answer recorded for this method"
)


def load_answers(folder: Path) -> list[tuple[bytes, bytes]]:
    """(``<string>method</string>`` marker, body) pairs, longest method name first."""
    pairs = [
        (f"<string>{path.stem}</string>".encode(), path.read_bytes())
        for path in folder.glob("*.xml")
    ]
    if not pairs:
        raise SystemExit(f"no <method>.xml answers in {folder}")
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def pick(answers: list[tuple[bytes, bytes]], request: bytes) -> bytes | None:
    """The answer recorded for the request's method; None when there is none (a 404: the
    benchmark then fails loudly instead of timing a wrong answer)."""
    for marker, body in answers:
        if marker in request:
            return body
    return None


def serve_uvicorn(answers: list[tuple[bytes, bytes]], port: int, seconds: float) -> None:
    from odoo_harness.serving import LoopbackServer

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = pick(answers, b"".join(chunks))
        status = 200 if body is not None else 404
        body = body if body is not None else b"no answer recorded for this method"
        headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"text/xml")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    with LoopbackServer(app, port=port, name="replay server"):
        time.sleep(seconds)


def serve_socket(answers: list[tuple[bytes, bytes]], port: int, seconds: float) -> None:
    responses = [
        (
            marker,
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s"
            % (len(body), body),
        )
        for marker, body in answers
    ]

    def connection(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        with conn:
            while True:
                data = conn.recv(1 << 16)
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    head, rest = buffer.split(b"\r\n\r\n", 1)
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value)
                    if len(rest) < length:
                        break
                    request, buffer = rest[:length], rest[length:]
                    conn.sendall(pick(responses, request) or NOT_FOUND)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOOPBACK, port))
    listener.listen()
    listener.settimeout(0.5)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        threading.Thread(target=connection, args=(conn,), daemon=True).start()
    listener.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", choices=("uvicorn", "socket"), required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--answers", type=Path, required=True, help="folder of <method>.xml")
    parser.add_argument("--for", dest="seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    answers = load_answers(args.answers)
    if args.stack == "uvicorn":
        serve_uvicorn(answers, args.port, args.seconds)
    else:
        serve_socket(answers, args.port, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
