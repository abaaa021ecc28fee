"""Input every service refuses before it reaches a handler or the database, as a 422 naming the field.

Pydantic accepts any Python int, any string and any date it can parse; the databases do not. So every route runs
`check_inputs` first (the app factories install it as an app-wide dependency), over the path and query parameters
and the parsed JSON or form body:
- integers must fit a 32-bit signed column (PostgreSQL INTEGER; SQLite fails at 2**63, PostgreSQL at 2**31);
- strings (and JSON keys) must not contain NUL, which PostgreSQL text cannot store;
- dates and datetimes must lie in years 1000-8999 (after conversion to UTC), so neither the conversion nor any
  window arithmetic on them overflows Python's year 1-9999 range.
"""

import json
import re
import typing
from datetime import UTC, date, datetime
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from kit.errors import ErrorDetail, ValidationFailed

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
YEAR_MIN, YEAR_MAX = 1000, 8999
_DATE_LIKE = re.compile(
    r"^[+-]?\d{4,}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_JSON = re.compile(r"^application/(?:[\w.+-]+\+)?json")


def int_problem(value: int) -> str | None:
    """Why this integer is refused, or None."""
    return None if INT_MIN <= value <= INT_MAX else f"must be between {INT_MIN} and {INT_MAX}"


def str_problem(value: str) -> str | None:
    """Why this string is refused (NUL, or a date outside the accepted years), or None."""
    if "\x00" in value:
        return "must not contain the NUL character"
    if len(value) <= 40 and _DATE_LIKE.match(value):
        year = _utc_year(value)
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            return f"dates must lie in the years {YEAR_MIN}-{YEAR_MAX}"
    return None


def _utc_year(value: str) -> int | None:
    """The UTC year of a date or datetime string; 0 when it cannot be converted; None when it is not a date."""
    text = value.replace("z", "Z").replace("t", "T")
    try:
        parsed = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        digits = re.match(r"^[+-]?(\d+)-", value)
        return int(digits.group(1)) if digits else None  # e.g. year 10000: not parseable, still a date
    if isinstance(parsed, datetime) and parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC)
        except OverflowError:
            return 0
    return parsed.year


def _problems(value: Any, field: str, out: list[ErrorDetail]) -> None:
    """Walk a parsed JSON value, collecting each refused leaf (bounded: the first few are enough)."""
    if len(out) >= 10:
        return
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return
    if isinstance(value, int):
        problem = int_problem(value)
        code = "out_of_range"
    elif isinstance(value, str):
        problem = str_problem(value)
        code = "nul_character" if problem and "NUL" in problem else "out_of_range"
    elif isinstance(value, dict):
        for key, item in value.items():
            key_problem = str_problem(key) if isinstance(key, str) and "\x00" in key else None
            if key_problem:
                out.append(ErrorDetail(field=f"{field}.{key!r}", code="nul_character", message=key_problem))
            _problems(item, f"{field}.{key}", out)
        return
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _problems(item, f"{field}.{index}", out)
        return
    else:
        return
    if problem:
        out.append(ErrorDetail(field=field, code=code, message=problem))


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    return any(_is_int(arg) for arg in typing.get_args(annotation) if arg is not bool)


def _int_params(route: APIRoute) -> frozenset[tuple[str, str]]:
    """(location, alias) of every parameter the route declares as an integer (or optional / list of integers)."""
    cached: frozenset[tuple[str, str]] | None = getattr(route, "_kit_int_params", None)
    if cached is not None:
        return cached
    found: set[tuple[str, str]] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for location, params in (("path", dependant.path_params), ("query", dependant.query_params)):
            found.update((location, param.alias) for param in params if _is_int(param.field_info.annotation))
    route._kit_int_params = frozenset(found)  # type: ignore[attr-defined]
    return route._kit_int_params  # type: ignore[attr-defined,no-any-return]


async def _body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    try:
        if _JSON.match(content_type):
            return await request.json()  # already parsed (and cached) by FastAPI for routes with a body
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            return {key: value for key, value in form.multi_items() if isinstance(value, str)}
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, AssertionError):
        return None  # FastAPI reports the malformed body itself
    return None


async def check_inputs(request: Request) -> None:
    """Refuse integers beyond a database column, NUL characters and overflowing dates anywhere in the request."""
    details: list[ErrorDetail] = []
    route = request.scope.get("route")
    ints = _int_params(route) if isinstance(route, APIRoute) else frozenset()
    for location, values in (
        ("path", list(request.path_params.items())),
        ("query", request.query_params.multi_items()),
    ):
        for name, raw in values:
            if not isinstance(raw, str):
                continue
            problem = str_problem(raw)
            digits = raw.strip()
            if problem is None and (location, name) in ints and re.fullmatch(r"[+-]?\d+", digits):
                problem = int_problem(int(digits)) if len(digits) <= 12 else int_problem(INT_MAX + 1)
            if problem:
                details.append(
                    ErrorDetail(
                        field=f"{location}.{name}",
                        code="nul_character" if "NUL" in problem else "out_of_range",
                        message=problem,
                    )
                )
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        _problems(await _body(request), "body", details)
    if details:
        first = details[0]
        raise ValidationFailed(f"{first.field}: {first.message}", details=details)
