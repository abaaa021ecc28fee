"""The combined OpenAPI document: the gateway's own schema plus each service's, fetched and cached."""

import asyncio
import copy
import json
import time
from typing import Any

import httpx

Spec = dict[str, Any]
REF_PREFIX = "#/components/schemas/"


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX) and value[len(REF_PREFIX):] in renames:
                out[key] = REF_PREFIX + renames[value[len(REF_PREFIX):]]
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def _prefixed(service: str, name: str) -> str:
    return service[:1].upper() + service[1:] + name


def _renames_for(service: str, schemas: dict[str, Any], merged: dict[str, Any]) -> dict[str, str]:
    """Names to prefix: those clashing with a different schema, then those whose refs changed because of it."""
    renames: dict[str, str] = {}
    while True:
        rewritten = {name: _rewrite_refs(schema, renames) for name, schema in schemas.items()}
        clashing = {
            name for name, schema in rewritten.items() if name not in renames and name in merged and merged[name] != schema
        }
        if not clashing:
            return renames
        renames.update({name: _prefixed(service, name) for name in clashing})


def merge_specs(own: Spec, services: dict[str, Spec | None], *, order: tuple[str, ...]) -> Spec:
    """Merge each service's paths under /api/<service>/ and its schemas into the gateway's own document."""
    merged = copy.deepcopy(own)
    merged.setdefault("info", {})
    paths: dict[str, Any] = merged.setdefault("paths", {})
    components: dict[str, Any] = merged.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    operation_ids = {op.get("operationId") for item in paths.values() for op in item.values() if isinstance(op, dict)}
    tags = {tag["name"]: tag for tag in merged.get("tags", [])}
    missing: list[str] = []
    for service in order:
        spec = services.get(service)
        if spec is None:
            missing.append(service)
            continue
        their_schemas = spec.get("components", {}).get("schemas", {})
        renames = _renames_for(service, their_schemas, schemas)
        spec = _rewrite_refs(spec, renames)
        for name, schema in spec.get("components", {}).get("schemas", {}).items():
            schemas.setdefault(renames.get(name, name), schema)
        for kind, entries in spec.get("components", {}).items():
            if kind != "schemas":
                for name, value in entries.items():
                    components.setdefault(kind, {}).setdefault(name, value)
        for path, item in spec.get("paths", {}).items():
            if not path.startswith(f"/api/{service}/"):
                continue  # a service's own /healthz and /readyz are not public
            for op in item.values():
                if isinstance(op, dict) and "operationId" in op:
                    if op["operationId"] in operation_ids:
                        op["operationId"] = f"{service}_{op['operationId']}"
                    operation_ids.add(op["operationId"])
            paths[path] = item
        for tag in spec.get("tags", []):
            tags.setdefault(tag["name"], tag)
    if tags:
        merged["tags"] = list(tags.values())
    merged["info"]["x-missing-services"] = missing
    return merged


class SpecCache:
    """Fetches every service's document concurrently; keeps each for a short time."""

    def __init__(self, upstreams: dict[str, str], ttl: float, timeout: float = 3.0) -> None:
        self.upstreams = upstreams
        self.ttl = ttl
        self.timeout = timeout
        self._cache: dict[str, tuple[float, Spec]] = {}

    async def _fetch(self, client: httpx.AsyncClient, service: str) -> Spec | None:
        cached = self._cache.get(service)
        if cached and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        try:
            response = await client.get(f"{self.upstreams[service].rstrip('/')}/api/{service}/openapi.json")
            response.raise_for_status()
            spec: Spec = response.json()
        except (httpx.HTTPError, json.JSONDecodeError):
            return None
        self._cache[service] = (time.monotonic(), spec)
        return spec

    async def fetch_all(self) -> dict[str, Spec | None]:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            results = await asyncio.gather(*(self._fetch(client, name) for name in self.upstreams))
        return dict(zip(self.upstreams, results, strict=True))


def fetch_all_sync(upstreams: dict[str, str], timeout: float = 10.0) -> dict[str, Spec | None]:
    """For the CLI: fetch every service's document once."""
    out: dict[str, Spec | None] = {}
    with httpx.Client(timeout=timeout) as client:
        for service, base in upstreams.items():
            try:
                response = client.get(f"{base.rstrip('/')}/api/{service}/openapi.json")
                response.raise_for_status()
                out[service] = response.json()
            except (httpx.HTTPError, json.JSONDecodeError):
                out[service] = None
    return out
