"""Who may call what: read from each route's authorization dependencies and published in the OpenAPI document.

Every operation that needs a token gets `x-authenticated`; those guarded by `kit.auth.require(...)` or `require_user`
also get `x-required-roles` / `x-required-scopes` / `x-signed-in-user`, so API consumers see the rule and tests can
check every guarded route without a hand-kept list.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant


@dataclass(frozen=True)
class AccessRule:
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    user_only: bool = False


def _walk(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _walk(sub)


def rule_of(dependant: Dependant) -> AccessRule | None:
    """The route's guard, merged over every `require` found in its dependency tree (None when unguarded)."""
    roles: list[str] = []
    scopes: list[str] = []
    user_only = False
    found = False
    for call in _walk(dependant):
        rule = getattr(call, "access_rule", None)
        if isinstance(rule, AccessRule):
            found = True
            roles += [r for r in rule.roles if r not in roles]
            scopes += [s for s in rule.scopes if s not in scopes]
            user_only = user_only or rule.user_only
    return AccessRule(tuple(roles), tuple(scopes), user_only) if found else None


def access_rules(app: FastAPI) -> dict[tuple[str, str], AccessRule]:
    """(METHOD, path) -> rule for every guarded operation of the app."""
    rules: dict[tuple[str, str], AccessRule] = {}
    for context in routing.iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if dependant is None or not getattr(context, "include_in_schema", True):
            continue
        rule = rule_of(dependant)
        if rule is not None:
            for method in context.methods or ():
                rules[(method.upper(), str(context.path))] = rule
    return rules


def publish_access_rules(app: FastAPI) -> None:
    """Make `app.openapi()` carry each operation's access rule as `x-required-*` extensions."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for (method, path), rule in access_rules(app).items():
            operation = schema.get("paths", {}).get(path, {}).get(method.lower())
            if operation is None:
                continue
            operation["x-authenticated"] = True
            if rule.roles:
                operation["x-required-roles"] = list(rule.roles)
            if rule.scopes:
                operation["x-required-scopes"] = list(rule.scopes)
            if rule.user_only and not rule.roles:
                operation["x-signed-in-user"] = True
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
