"""Inter-service HTTP: timeouts, retries, request id, and a service token."""

import threading
import time
from typing import Any

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from kit.errors import BadGateway, GatewayTimeout
from kit.logging import current_request_id

RETRYABLE_STATUS = {502, 503, 504}
# 4xx answers that mean "not now" rather than "never": timeout, conflict, locked, too early, too many requests.
TRY_LATER_STATUS = frozenset({408, 409, 423, 425, 429})


def is_refusal(status_code: int) -> bool:
    """A 4xx the receiver would give again to the same request (so retrying it as is cannot help)."""
    return 400 <= status_code < 500 and status_code not in TRY_LATER_STATUS


class ClientCredentials:
    """Obtains and caches an access token with the OAuth 2 client-credentials grant."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str | None = None) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def token(self, client: httpx.Client) -> str:
        with self._lock:
            if self._token and time.monotonic() < self._expires_at - 30:
                return self._token
            data = {"grant_type": "client_credentials"}
            if self.scope:
                data["scope"] = self.scope
            response = client.post(self.token_url, data=data, auth=(self.client_id, self.client_secret))
            response.raise_for_status()
            body = response.json()
            self._token = str(body["access_token"])
            self._expires_at = time.monotonic() + float(body.get("expires_in", 300))
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, httpx.TransportError):
        return True
    return isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code in RETRYABLE_STATUS


class ServiceClient:
    """Synchronous client for calls to another service, with its own identity or the caller's."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: ClientCredentials | None = None,
        timeout: float = 5.0,
        retries: int = 3,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.retries = max(1, retries)
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._client.close()

    def _headers(self, bearer: str | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        request_id = current_request_id()
        if request_id:
            headers["X-Request-ID"] = request_id
        if bearer is None and self.credentials is not None:
            bearer = self.credentials.token(self._client)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        return headers

    def request(self, method: str, path: str, *, bearer: str | None = None, retry_writes: bool = False, **kwargs: Any) -> httpx.Response:
        """Send a request; idempotent ones (and writes with retry_writes) are retried on transient failure."""
        extra_headers = dict(kwargs.pop("headers", None) or {})
        attempts = self.retries if method.upper() in ("GET", "HEAD", "PUT", "DELETE") or retry_writes else 1

        @retry(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=0.1, max=2.0),
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )
        def send() -> httpx.Response:
            response = self._client.request(method, path, headers={**self._headers(bearer), **extra_headers}, **kwargs)
            if response.status_code == 401 and self.credentials is not None and bearer is None:
                self.credentials.invalidate()
                response = self._client.request(method, path, headers={**self._headers(bearer), **extra_headers}, **kwargs)
            if response.status_code in RETRYABLE_STATUS:
                response.raise_for_status()
            return response

        try:
            return send()
        except httpx.TimeoutException as exc:
            raise GatewayTimeout(f"{self.base_url} did not answer in time") from exc
        except httpx.TransportError as exc:
            raise BadGateway(f"{self.base_url} is unreachable") from exc
        except httpx.HTTPStatusError as exc:
            raise BadGateway(f"{self.base_url} answered {exc.response.status_code}") from exc

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)
