from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from starlette.concurrency import run_in_threadpool

from gateway import crud, importing
from gateway.accounts import account_changed
from gateway.api.deps import AdminUser, PasswordsDep, SessionDep
from gateway.models import (
    ImportReport,
    PasswordReset,
    PasswordResetResult,
    Role,
    UserCreate,
    UserCreated,
    UserPublic,
    UsersPage,
    UserUpdate,
)
from kit.errors import BadRequest, Conflict, ValidationFailed

router = APIRouter(prefix="/api/admin/users", tags=["admin"])

MAX_CSV_BYTES = 2 << 20
CSV_BODY = {
    "x-bulk-body": True,  # kit.limits: a faculty's CSV may pass the default body limit
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
        },
    }
}


@router.get("", response_model=UsersPage)
def list_users(
    session: SessionDep,
    _: AdminUser,
    role: Role | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Search in username and full name")] = None,
    is_active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> UsersPage:
    users, total = crud.list_users(session=session, role=role, q=q, is_active=is_active, limit=limit, offset=offset)
    return UsersPage(items=[UserPublic.model_validate(u) for u in users], total=total, limit=limit, offset=offset)


@router.post("", response_model=UserCreated, status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, session: SessionDep, passwords: PasswordsDep, admin: AdminUser) -> UserCreated:
    """Create a person; without a password one is generated and returned once."""
    if crud.get_user_by_username(session=session, username=data.username) is not None:
        raise Conflict(f"Username {data.username} is taken", code="username_taken", field="body.username")
    password_hash, generated = crud.new_password(passwords=passwords, password=data.password)
    user = crud.create_user(session=session, data=data, password_hash=password_hash, actor=admin)
    return UserCreated.model_validate({**UserPublic.model_validate(user).model_dump(), "generated_password": generated})


@router.post("/import", response_model=ImportReport, status_code=status.HTTP_201_CREATED, openapi_extra=CSV_BODY,
             responses={422: {"description": "Invalid rows (nothing imported unless partial=true); the body holds `report`"}})
async def import_users(request: Request, session: SessionDep, passwords: PasswordsDep, admin: AdminUser, partial: bool = False) -> ImportReport:
    """CSV columns username,full_name,email,roles (semicolon-separated),password (optional). Every row is validated first."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ValidationFailed("Send the CSV as the multipart field `file`", code="csv_missing", field="body.file")
        raw = await upload.read(MAX_CSV_BYTES + 1)
    elif content_type.startswith("text/csv") or content_type.startswith("text/plain"):
        raw = await request.body()
    else:
        raise BadRequest("Send text/csv or multipart/form-data with a `file` field", code="unsupported_media_type")
    if len(raw) > MAX_CSV_BYTES:
        raise ValidationFailed("The file is larger than 2 MiB", code="csv_too_large", field="body")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The file must be UTF-8", code="csv_not_utf8", field="body") from exc
    return await run_in_threadpool(importing.import_users, session=session, passwords=passwords, text=text, partial=partial, actor=admin)


@router.get("/{user_id}", response_model=UserPublic)
def get_user(user_id: str, session: SessionDep, _: AdminUser) -> UserPublic:
    return UserPublic.model_validate(crud.get_user(session=session, user_id=user_id))


@router.patch("/{user_id}", response_model=UserPublic)
def update_user(user_id: str, data: UserUpdate, request: Request, session: SessionDep, admin: AdminUser) -> UserPublic:
    """A change of `is_active` or `roles` revokes the user's access tokens (gateway at once, services on delivery)."""
    user = crud.get_user(session=session, user_id=user_id)
    updated = crud.update_user(session=session, user=user, data=data, actor=admin)
    account_changed(request.app, user.id)
    return UserPublic.model_validate(updated)


@router.post("/{user_id}/deactivate", response_model=UserPublic)
def deactivate_user(user_id: str, request: Request, session: SessionDep, admin: AdminUser) -> UserPublic:
    """Disable sign-in, revoke every refresh token and every access token already issued."""
    user = crud.get_user(session=session, user_id=user_id)
    updated = crud.update_user(session=session, user=user, data=UserUpdate(is_active=False), actor=admin)
    account_changed(request.app, user.id)
    return UserPublic.model_validate(updated)


@router.post("/{user_id}/reset-password", response_model=PasswordResetResult)
def reset_password(
    user_id: str, request: Request, session: SessionDep, passwords: PasswordsDep, admin: AdminUser, data: PasswordReset | None = None
) -> PasswordResetResult:
    """Set a new password (generated and returned once when none is given); signs the user out everywhere."""
    user = crud.get_user(session=session, user_id=user_id)
    password_hash, generated = crud.new_password(passwords=passwords, password=data.password if data else None)
    crud.set_password(session=session, user=user, password_hash=password_hash, actor=admin)
    account_changed(request.app, user.id)
    return PasswordResetResult(user_id=user.id, generated_password=generated)
