"""A tiny fake service on a free loopback port, served by uvicorn in a thread."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {"method": request.method, "path": request.url.path, "query": request.url.query, "body": body.decode(),
         "headers": {k: v for k, v in request.headers.items()}},
        status_code=int(request.query_params.get("status", "200")),
        headers={"X-Upstream": "yes", "Set-Cookie": "a=b; Path=/"},
    )


async def slow(_: Request) -> JSONResponse:
    await asyncio.sleep(3)
    return JSONResponse({"late": True})


async def big(_: Request) -> StreamingResponse:
    async def chunks() -> Any:
        for _ in range(32):
            yield b"x" * 65536

    return StreamingResponse(chunks(), media_type="application/octet-stream")


async def empty(_: Request) -> Response:
    return Response(status_code=204)


def spec_app(service: str, spec: dict[str, Any]) -> Starlette:
    async def openapi(_: Request) -> JSONResponse:
        return JSONResponse(spec)

    return Starlette(routes=[Route(f"/api/{service}/openapi.json", openapi)])


def echo_app(service: str = "matching") -> Starlette:
    prefix = f"/api/{service}"
    return Starlette(routes=[
        Route(f"{prefix}/echo/{{rest:path}}", echo, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        Route(f"{prefix}/slow", slow),
        Route(f"{prefix}/big", big),
        Route(f"{prefix}/empty", empty, methods=["DELETE"]),
    ])


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Run `app` on a free port until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake upstream did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
