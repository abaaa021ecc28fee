"""Each service bounds the request bodies it accepts itself (a service reached directly has no gateway in front).

`max_body_bytes` (default 1 MiB) for every route; routes declaring `openapi_extra=BULK_BODY` (timetable pushes,
CSV imports) get `max_bulk_body_bytes`. A declared Content-Length over the limit is refused before anything is
read; a chunked or understated body is counted as it arrives and refused as soon as it passes the limit.
"""

import re
from collections.abc import Callable, Sequence

from fastapi import routing
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.errors import error_response

BULK_BODY = {"x-bulk-body": True}


class PayloadTooLarge(HTTPException):
    """Raised while the body streams in; FastAPI passes HTTP exceptions through body parsing unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body larger than {limit} bytes")


class BodyLimitMiddleware:
    """Pure ASGI middleware enforcing the body limit of the route a request is for."""

    def __init__(self, app: ASGIApp, *, limit: int, bulk_limit: int, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app = app
        self.limit = limit
        self.bulk_limit = bulk_limit
        self.routes = routes
        self._bulk: list[tuple[re.Pattern[str], set[str]]] | None = None

    def limit_for(self, scope: Scope) -> int:
        if self._bulk is None:
            self._bulk = [
                (compile_path(str(context.path))[0], set(context.methods or ()))
                for context in routing.iter_route_contexts(self.routes())
                if (getattr(context.route, "openapi_extra", None) or {}).get("x-bulk-body")
            ]
        for pattern, methods in self._bulk:
            if scope["method"] in methods and pattern.match(scope["path"]):
                return max(self.limit, self.bulk_limit)
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            await error_response(413, "payload_too_large", f"Request body larger than {limit} bytes")(
                scope, receive, send
            )
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        await self.app(scope, counted, send)
