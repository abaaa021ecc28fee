from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from gateway import crud
from gateway.accounts import account_changed
from gateway.api.deps import AdminUser, SessionDep
from gateway.models import SCOPES, ClientCreate, ClientPublic, ClientsPage, ClientWithSecret, ScopeInfo

router = APIRouter(prefix="/api/admin/clients", tags=["admin"])


@router.get("", response_model=ClientsPage)
def list_clients(
    session: SessionDep, _: AdminUser, limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0
) -> ClientsPage:
    clients, total = crud.list_clients(session=session, limit=limit, offset=offset)
    return ClientsPage(items=[ClientPublic.of(c) for c in clients], total=total, limit=limit, offset=offset)


@router.get("/scopes", response_model=list[ScopeInfo])
def list_scopes(_: AdminUser) -> list[ScopeInfo]:
    """The scopes a machine client can be granted."""
    return [ScopeInfo(scope=name, description=text) for name, text in SCOPES.items()]


@router.post("", response_model=ClientWithSecret, status_code=status.HTTP_201_CREATED)
def create_client(data: ClientCreate, session: SessionDep, admin: AdminUser) -> ClientWithSecret:
    """Register a machine client; its secret is in this answer only."""
    client, secret = crud.create_client(session=session, data=data, actor=admin)
    return ClientWithSecret(**ClientPublic.of(client).model_dump(), client_secret=secret)


@router.get("/{client_id}", response_model=ClientPublic)
def get_client(client_id: str, session: SessionDep, _: AdminUser) -> ClientPublic:
    return ClientPublic.of(crud.get_client(session=session, client_id=client_id))


@router.post("/{client_id}/rotate-secret", response_model=ClientWithSecret)
def rotate_client_secret(client_id: str, session: SessionDep, admin: AdminUser) -> ClientWithSecret:
    """A new secret, shown once; the old one stops working (tokens already issued lapse within their lifetime)."""
    client = crud.get_client(session=session, client_id=client_id)
    secret = crud.rotate_client_secret(session=session, client=client, actor=admin)
    return ClientWithSecret(**ClientPublic.of(client).model_dump(), client_secret=secret)


@router.post("/{client_id}/revoke", response_model=ClientPublic)
def revoke_client(client_id: str, request: Request, session: SessionDep, admin: AdminUser) -> ClientPublic:
    """No new tokens for this client; the gateway refuses the ones already issued (within its cache window)."""
    client = crud.get_client(session=session, client_id=client_id)
    revoked = crud.revoke_client(session=session, client=client, actor=admin)
    account_changed(request.app, client.id)
    return ClientPublic.of(revoked)
