"""Schema fuzzing helpers: who may call which operation, and one bounded, seeded schemathesis run per operation."""

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

METHODS = ("get", "post", "put", "patch", "delete")
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Examples per operation and generation mode; FUZZ_EXAMPLES raises it for a deeper run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Operations that cannot be fuzzed meaningfully. None today: logout and refresh would end a session, but the fuzzing
# identities hold bearer tokens only and the fuzzer never sees their refresh tokens (nor the ids that deactivating
# or demoting them would need), so those operations are fuzzed like any other. Add here, with the reason, any
# operation that would end the fuzzing identity itself.
EXCLUDED: set[tuple[str, str]] = set()
# Sign-in operations: fuzzed last, once, so a failure-counting throttle cannot lock out the identities above.
SIGN_IN = {("POST", "/api/auth/login"), ("POST", "/api/auth/token")}
# uvicorn's HTTP parser refuses a request line over 64 KiB with a plain-text 400 before any application code runs;
# negative examples of a long string parameter (8,000 four-byte characters, percent-encoded) can exceed it. Such a
# request never reaches the API, so it is not sent (documented in README, "Security: what is guaranteed").
MAX_QUERY_BYTES = 60_000


@dataclass
class Identity:
    """A caller: its bearer token, and the roles or scopes that decide which operations it may reach."""

    name: str
    token: str
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()

    def may_call(self, op: dict[str, Any]) -> bool:
        """True when the published access rule lets this caller in (so fuzzing goes past the guard)."""
        roles, scopes = op.get("x-required-roles"), op.get("x-required-scopes")
        if not self.roles:  # a machine client: only what its scopes open, or what needs a token but no user
            return bool(scopes and set(scopes) & set(self.scopes)) or (
                not roles and not scopes and not op.get("x-signed-in-user")
            )
        if roles or scopes:
            return bool(roles and set(roles) & set(self.roles))
        return True


@dataclass
class FuzzReport:
    operations: int = 0
    failures: list[str] = field(default_factory=list)


def operations_for(spec: dict[str, Any], identity: Identity, *, sign_in: bool) -> set[tuple[str, str]]:
    """(METHOD, path) of every operation to fuzz as this identity (sign-in ones only when asked)."""
    chosen = set()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            key = (method.upper(), path)
            if method not in METHODS or key in EXCLUDED or (key in SIGN_IN) != sign_in:
                continue
            if sign_in or identity.may_call(op):
                chosen.add(key)
    return chosen


def fuzz(spec: dict[str, Any], base_url: str, identity: Identity, *, sign_in: bool = False) -> FuzzReport:
    """Run schemathesis over the chosen operations; collect every failing check instead of stopping at the first."""
    schema = schemathesis.openapi.from_dict(spec)
    wanted = operations_for(spec, identity, sign_in=sign_in)
    headers = {"Authorization": f"Bearer {identity.token}"} if identity.token else {}
    literal = {(method.upper(), path) for path, item in spec["paths"].items() for method in item if "{" not in path}
    report = FuzzReport()
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in wanted:
            continue
        report.operations += 1
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                _run(operation.as_strategy(generation_mode=mode), base_url, headers, literal)
            except Unsatisfiable:
                pass  # nothing to send in this mode (no parameters that could be made invalid)
            except (Exception, FailureGroup) as exc:  # noqa: BLE001 - every failure is collected and reported together
                report.failures.append(f"[{identity.name}] {operation.label} ({mode.value}): {str(exc)[:1500]}")
    return report


def _run(strategy: Any, base_url: str, headers: dict[str, str], literal: set[tuple[str, str]]) -> None:
    # Seeded (derandomize) and without the example database: the same code gets the same run every time.
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        if "{" in case.path and (case.method.upper(), case.formatted_path) in literal:
            return  # e.g. client_id "scopes": the request is for GET /api/admin/clients/scopes, another operation
        if len(urlencode(case.query or {}, doseq=True)) > MAX_QUERY_BYTES:
            return
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

    run()
