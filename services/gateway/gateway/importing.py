"""CSV bulk import of users: validate every row first, then import all (or only the valid ones)."""

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pydantic import ValidationError
from sqlmodel import Session

from gateway import audit, crud
from gateway.core.security import Passwords, generate_password
from gateway.models import AuditAction, ImportReport, ImportRow, RowError, User, UserCreate
from kit.auth import Principal
from kit.errors import ErrorDetail, ValidationFailed

COLUMNS = ("username", "full_name", "email", "roles", "password")
REQUIRED = ("username", "full_name", "roles")
MAX_ROWS = 5000


@dataclass
class _Parsed:
    line: int
    username: str | None
    data: UserCreate | None
    errors: list[RowError]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _parse(text: str) -> list[_Parsed]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        raise ValidationFailed("The file is empty", code="csv_empty", field="body")
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing:
        problems = ([f"unknown column(s): {', '.join(unknown)}"] if unknown else []) + ([f"missing column(s): {', '.join(missing)}"] if missing else [])
        raise ValidationFailed(f"Bad header: {'; '.join(problems)} (columns: {', '.join(COLUMNS)})", code="csv_bad_header", field="body")
    reader.fieldnames = header
    parsed: list[_Parsed] = []
    for record in reader:
        if len(parsed) >= MAX_ROWS:
            raise ValidationFailed(f"At most {MAX_ROWS} rows per import", code="csv_too_many_rows", field="body")
        if None in record:
            parsed.append(_Parsed(reader.line_num, _text(record.get("username")), None, [RowError(field="row", message="more cells than columns")]))
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue  # blank line
        payload = {
            "username": values.get("username", ""),
            "full_name": values.get("full_name", ""),
            "email": values.get("email") or None,
            "roles": [r.strip().lower() for r in values.get("roles", "").split(";") if r.strip()],
            "password": values.get("password") or None,
        }
        try:
            parsed.append(_Parsed(reader.line_num, _text(payload["username"]), UserCreate.model_validate(payload), []))
        except ValidationError as exc:
            errors = [RowError(field=str(err["loc"][0]) if err["loc"] else "row", message=err["msg"]) for err in exc.errors()]
            parsed.append(_Parsed(reader.line_num, _text(payload["username"]) or None, None, errors))
    if not parsed:
        raise ValidationFailed("The file has a header but no rows", code="csv_empty", field="body")
    return parsed


def import_users(*, session: Session, passwords: Passwords, text: str, partial: bool, actor: Principal | None) -> ImportReport:
    """Validate every row; import all of them in one transaction, or (partial) only the valid ones."""
    rows = _parse(text)
    seen: dict[str, int] = {}
    for row in rows:
        if row.data is not None:
            name = row.data.username
            if name in seen:
                row.errors.append(RowError(field="username", message=f"duplicate of line {seen[name]} in this file"))
            else:
                seen[name] = row.line
    taken = crud.existing_usernames(session=session, usernames=list(seen))
    for row in rows:
        if row.data is not None and row.data.username in taken and not row.errors:
            row.errors.append(RowError(field="username", message="a user with this username already exists"))
    valid = [row for row in rows if row.data is not None and not row.errors]
    invalid = [row for row in rows if row not in valid]
    if invalid and not partial:
        report = _report(rows, created={}, generated={}, imported=False)
        details = [ErrorDetail(field=f"rows.{row.line}.{err.field}", code="invalid_row", message=err.message) for row in invalid for err in row.errors]
        raise ValidationFailed(
            f"{len(invalid)} of {len(rows)} rows are invalid; nothing was imported", code="import_invalid", details=details,
            extra={"report": report.model_dump(mode="json")},
        )
    generated = {row.line: generate_password() for row in valid if row.data is not None and not row.data.password}
    secrets = [(row.data.password if row.data and row.data.password else generated[row.line]) for row in valid]
    # argon2 releases the GIL: hash the batch on a few threads.
    with ThreadPoolExecutor(max_workers=4) as pool:
        hashes = list(pool.map(passwords.hash, secrets))
    created: dict[int, User] = {}
    for row, password_hash in zip(valid, hashes, strict=True):
        assert row.data is not None
        created[row.line] = User(
            username=row.data.username, full_name=row.data.full_name, email=row.data.email,
            roles=list(row.data.roles), password_hash=password_hash,
        )
    session.add_all(created.values())
    if created:
        audit.record(
            session=session, actor=actor, action=AuditAction.users_imported, target_type="users", target_id=None,
            summary=f"imported {len(created)} users from CSV" + (f" ({len(invalid)} rows left out)" if invalid else ""),
            details={"created": [u.username for u in created.values()], "invalid_rows": [row.line for row in invalid]},
        )
    session.commit()
    return _report(rows, created=created, generated=generated, imported=True)


def _report(rows: list[_Parsed], *, created: dict[int, User], generated: dict[int, str], imported: bool) -> ImportReport:
    out: list[ImportRow] = []
    for row in rows:
        if row.line in created:
            out.append(ImportRow(row=row.line, username=row.data.username if row.data else row.username, status="created",
                                 user_id=created[row.line].id, generated_password=generated.get(row.line)))
        elif row.errors or row.data is None:
            out.append(ImportRow(row=row.line, username=row.username, status="error", errors=row.errors))
        else:
            out.append(ImportRow(row=row.line, username=row.data.username, status="not_imported"))
    return ImportReport(
        total_rows=len(rows), created=len(created), invalid=sum(r.status == "error" for r in out),
        not_imported=sum(r.status == "not_imported" for r in out), rows=out,
    )
