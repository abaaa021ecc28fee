from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, String
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from kit.app import service_operation_id
from kit.errors import NotFound
from kit.migrations import schema_drift
from kit.notifications import LIST_LIMIT, list_for, mark_read, notifications_router, notify
from kit.pytest_plugin import Auth
from tests.sample.app import Notification

ALICE, BOB = "user-alice", "user-bob"


def _add(db: Session, user_id: str, n: int = 1, **fields: Any) -> list[int]:
    rows = [notify(db, model=Notification, user_id=user_id, kind="k", title=f"t{i}", body="b", **fields) for i in range(n)]
    db.commit()
    return [row.id or 0 for row in rows]


def test_model_has_the_lengths_the_service_migrated() -> None:
    table = SQLModel.metadata.tables["notification"]
    assert Notification.__table__ is table  # type: ignore[attr-defined]
    assert (table.c.kind.type.length, table.c.title.type.length, table.c.link.type.length) == (50, 200, 500)
    assert not table.c.body.nullable and table.c.link.nullable
    assert [ix.name for ix in table.indexes] == ["ix_notification_user_id"]


def test_notify_adds_in_the_callers_transaction(db: Session) -> None:
    row = notify(db, model=Notification, user_id=ALICE, kind="k", title="Hello", body="b", link="/x")
    assert row.id is None  # not flushed: the caller decides when
    db.rollback()
    assert list_for(db, model=Notification, user_id=ALICE) == []
    row = notify(db, model=Notification, user_id=ALICE, kind="k", title="Hello", body="b")
    db.flush()
    assert row.id is not None and row.link is None and row.read_at is None


def test_list_is_newest_first_own_only_and_filters_unread(db: Session) -> None:
    first, second = _add(db, ALICE, 2)
    _add(db, BOB)
    assert [n.id for n in list_for(db, model=Notification, user_id=ALICE)] == [second, first]
    mark_read(db, model=Notification, user_id=ALICE, notification_id=second)
    assert [n.id for n in list_for(db, model=Notification, user_id=ALICE, unread_only=True)] == [first]
    assert [n.id for n in list_for(db, model=Notification, user_id=ALICE, limit=1)] == [second]
    assert LIST_LIMIT == 200


def test_mark_read_is_idempotent_and_hides_other_peoples(db: Session) -> None:
    [note] = _add(db, ALICE)
    read = mark_read(db, model=Notification, user_id=ALICE, notification_id=note)
    assert read.read_at is not None
    assert mark_read(db, model=Notification, user_id=ALICE, notification_id=note).read_at == read.read_at
    for user_id, notification_id in ((BOB, note), (ALICE, note + 100)):
        with pytest.raises(NotFound) as caught:
            mark_read(db, model=Notification, user_id=user_id, notification_id=notification_id)
        assert caught.value.code == "notification_not_found"
        assert caught.value.message == f"Notification {notification_id} does not exist"


def test_routes_list_and_mark_read_for_the_signed_in_user(client: TestClient, auth: Auth, db: Session) -> None:
    first, second = _add(db, ALICE, 2, link="/things/1")
    alice = auth.user(ALICE)
    listed = client.get("/api/sample/notifications", headers=alice)
    assert listed.status_code == 200
    assert [n["id"] for n in listed.json()] == [second, first]
    assert set(listed.json()[0]) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}

    read = client.post(f"/api/sample/notifications/{first}/read", headers=alice)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = client.get("/api/sample/notifications", params={"unread_only": True}, headers=alice).json()
    assert [n["id"] for n in unread] == [second]

    stolen = client.post(f"/api/sample/notifications/{second}/read", headers=auth.user(BOB))
    assert stolen.status_code == 404 and stolen.json()["code"] == "notification_not_found"
    assert client.get("/api/sample/notifications", headers=auth.user(BOB)).json() == []
    assert client.get("/api/sample/notifications", headers=auth.client(scopes=[])).status_code == 403
    assert client.get("/api/sample/notifications").status_code == 401


def test_operation_ids_keep_each_services_function_names(app: FastAPI) -> None:
    assert _operations(app) == {
        ("get", "/api/sample/notifications"): "sample-notifications-list_notifications",
        ("post", "/api/sample/notifications/{notification_id}/read"): "sample-notifications-read_notification",
    }
    other = FastAPI(generate_unique_id_function=service_operation_id("other"))
    other.include_router(notifications_router("other", model=Notification, mark_read_name="mark_notification_read"))
    assert _operations(other)[("post", "/api/other/notifications/{notification_id}/read")] == "other-notifications-mark_notification_read"
    operation = other.openapi()["paths"]["/api/other/notifications/{notification_id}/read"]["post"]
    assert operation["summary"] == "Mark Notification Read" and "description" not in operation


def _operations(app: FastAPI) -> dict[tuple[str, str], str]:
    return {
        (method, path): operation["operationId"]
        for path, item in app.openapi()["paths"].items()
        if "/notifications" in path
        for method, operation in item.items()
    }


def test_migrations_build_the_schema_the_models_describe(engine: Engine) -> None:
    assert schema_drift(engine, SQLModel.metadata) == []


def test_schema_drift_sees_a_column_length_the_migrations_do_not_have(engine: Engine) -> None:
    metadata = MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["notification"].c.title.type = String(300)
    [diff] = schema_drift(engine, metadata)
    assert diff[0][0] == "modify_type" and diff[0][2:4] == ("notification", "title")
