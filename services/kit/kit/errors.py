"""One error family and one JSON error shape for every service."""

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.logging import current_request_id

logger = logging.getLogger("kit.errors")


class ErrorDetail(BaseModel):
    field: str | None = None
    code: str
    message: str


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    request_id: str | None = None
    details: list[ErrorDetail] = []


class AppError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        details: list[ErrorDetail] | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.details = list(details or [])
        if field is not None and not self.details:
            self.details.append(ErrorDetail(field=field, code=self.code, message=message))
        self.extra = extra or {}


class BadRequest(AppError):
    status, code = 400, "bad_request"


class ValidationFailed(AppError):
    status, code = 422, "validation_error"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class BadGateway(AppError):
    status, code = 502, "upstream_unavailable"


class GatewayTimeout(AppError):
    status, code = 504, "upstream_timeout"


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Bad request"),
        (401, "Not authenticated"),
        (403, "Not allowed"),
        (404, "Not found"),
        (409, "Conflict"),
        (422, "Invalid input"),
    )
}


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render the common error shape."""
    body = ErrorBody(
        status=status, code=code, message=message, request_id=current_request_id(), details=details or []
    ).model_dump()
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _validation_details(exc: RequestValidationError) -> list[ErrorDetail]:
    return [
        ErrorDetail(
            field=_field_path(err.get("loc", ())),
            code=str(err.get("type", "invalid")),
            message=err.get("msg", "invalid"),
        )
        for err in exc.errors()
    ]


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


UNEXPECTED_MESSAGE = "An unexpected error occurred; it has been logged."


class UnexpectedErrorMiddleware:
    """Turns an unhandled exception into the common 500 shape.

    Installed inside the request-id middleware (Starlette's own last-resort handler runs outside every middleware,
    after the request id is gone), so the body carries the same `request_id` as the header and the log line.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            logger.exception("unhandled error", exc_info=exc)
            if started:
                raise  # the answer is under way: the connection is cut short
            await error_response(500, "internal_error", UNEXPECTED_MESSAGE)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception to the common error shape (call before adding the request-id middleware)."""
    app.add_middleware(UnexpectedErrorMiddleware)

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        first = details[0] if details else None
        message = f"{first.field}: {first.message}" if first else "Invalid input"
        return error_response(422, "validation_error", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", UNEXPECTED_MESSAGE)


def publish_json_errors(app: FastAPI) -> None:
    """Document every error answer as the JSON it is, also on operations whose success is HTML, CSV or a calendar.

    FastAPI files the additional responses under the route's response class media type (`text/html` for an HTML
    route), but errors always come in the common JSON shape.
    """
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    if str(status)[:1] in "45" and list(content) != ["application/json"]:
                        found = next((media["schema"] for media in content.values() if "schema" in media), None)
                        response["content"] = {
                            "application/json": {"schema": found or {"$ref": "#/components/schemas/ErrorBody"}}
                        }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
