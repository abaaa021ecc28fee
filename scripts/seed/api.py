"""A tiny client for seeding through the gateway."""

from typing import Any

import httpx


class SeedError(RuntimeError):
    pass


class DemoApi:
    """Calls the gateway with a bearer token; raises SeedError with the API's message on failure."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=self.base_url, headers=headers, timeout=60.0)

    @classmethod
    def login(cls, base_url: str, username: str, password: str) -> "DemoApi":
        response = httpx.post(f"{base_url.rstrip('/')}/api/auth/login", json={"username": username, "password": password}, timeout=30)
        if response.status_code != 200:
            raise SeedError(f"login as {username} failed: {response.status_code} {response.text}")
        return cls(base_url, response.json()["access_token"])

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise SeedError(f"{method} {path} -> {response.status_code}: {response.text[:500]}")
        return response.json() if response.content and "json" in response.headers.get("content-type", "") else None

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.call("PATCH", path, **kwargs)
