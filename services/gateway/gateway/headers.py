"""Security headers on every answer of the gateway: its own routes, the web app and proxied service calls.

HTML gets a Content-Security-Policy for the built web app (scripts, fonts, images, connections from this origin
only; no inline script; inline styles allowed because the menu library injects a scroll-lock `<style>` and the
feedback certificate is a self-contained HTML page). Anything else (JSON, CSV, calendars) gets `default-src 'none'`.
A header the route or service already set is kept (the API docs page sets its own policy for Swagger UI).
"""

from starlette.types import Message, Send

WEB_APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
COMMON: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # calendar feed URLs carry secrets: never leak them in a Referer
)
HTML_HEADERS = ((b"content-security-policy", WEB_APP_CSP.encode()), *COMMON)
OTHER_HEADERS = ((b"content-security-policy", API_CSP.encode()), *COMMON)


def add_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response headers plus every security header not already there."""
    present = set()
    html = False
    for name, value in headers:
        lowered = name.lower()
        present.add(lowered)
        if lowered == b"content-type" and value[:9].lower() == b"text/html":
            html = True
    return headers + [item for item in (HTML_HEADERS if html else OTHER_HEADERS) if item[0] not in present]


def with_security_headers(send: Send) -> Send:
    """Wrap an ASGI `send` so the response start carries the security headers."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": add_headers(list(message.get("headers", [])))}
        await send(message)

    return sending
