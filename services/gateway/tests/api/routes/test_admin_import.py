import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from gateway.models import User
from kit.pytest_plugin import Auth
from tests.factories import make_user

HEADER = "username,full_name,email,roles,password\n"


@pytest.fixture
def admin(db: Session, auth: Auth) -> dict[str, str]:
    user = make_user(db, username="root", roles=["admin"])
    return {**auth.user(user.id, roles=["admin"])}


def _csv(client: TestClient, admin: dict[str, str], text: str, **params: object) -> object:
    return client.post("/api/admin/users/import", headers={**admin, "Content-Type": "text/csv"}, content=text.encode(), params=params)


def _usernames(db: Session) -> list[str]:
    names = sorted(db.exec(select(User.username)).all())
    db.rollback()
    return names


GOOD = HEADER + "amina,Amina Diallo,amina@example.org,learner,a long password\nkarim,Karim Haddad,,tutor;learner,\n"


def test_import_all_rows(client: TestClient, admin: dict[str, str], db: Session) -> None:
    response = _csv(client, admin, GOOD)
    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["total_rows"], report["created"], report["invalid"]) == (2, 2, 0)
    rows = {r["username"]: r for r in report["rows"]}
    assert rows["amina"]["status"] == "created" and rows["amina"]["generated_password"] is None and rows["amina"]["row"] == 2
    assert rows["karim"]["generated_password"]
    assert _usernames(db) == ["amina", "karim", "root"]
    karim = client.post("/api/auth/login", json={"username": "karim", "password": rows["karim"]["generated_password"]})
    assert karim.status_code == 200
    listed = client.get("/api/admin/users", headers=admin, params={"q": "karim"}).json()["items"][0]
    assert listed["roles"] == ["learner", "tutor"] and listed["email"] is None


BAD = (
    HEADER
    + "amina,Amina Diallo,,learner,\n"  # ok
    + "x,Too Short,,learner,\n"  # bad username
    + "amina,Amina Again,,learner,\n"  # duplicate in file
    + "root,Root Again,,admin,\n"  # exists already
    + "nora,Nora,,dean,\n"  # bad role
    + "theo,Théo,not-an-email,learner,short\n"  # bad email and password
    + "zoe,Zoé Petit,,supervisor,\n"  # ok
)


def test_import_is_all_or_nothing(client: TestClient, admin: dict[str, str], db: Session) -> None:
    response = _csv(client, admin, BAD)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_invalid"
    report = body["report"]
    assert (report["total_rows"], report["created"], report["invalid"], report["not_imported"]) == (7, 0, 5, 2)
    by_row = {r["row"]: r for r in report["rows"]}
    assert by_row[2]["status"] == "not_imported" and by_row[8]["status"] == "not_imported"
    assert [e["field"] for e in by_row[3]["errors"]] == ["username"]
    assert "duplicate of line 2" in by_row[4]["errors"][0]["message"]
    assert "already exists" in by_row[5]["errors"][0]["message"]
    assert by_row[6]["errors"][0]["field"] == "roles"
    assert {e["field"] for e in by_row[7]["errors"]} == {"email", "password"}
    assert {d["field"] for d in body["details"]} >= {"rows.3.username", "rows.6.roles", "rows.7.email"}
    assert _usernames(db) == ["root"]


def test_import_partial_imports_the_valid_rows(client: TestClient, admin: dict[str, str], db: Session) -> None:
    response = _csv(client, admin, BAD, partial="true")
    assert response.status_code == 201
    report = response.json()
    assert (report["created"], report["invalid"], report["not_imported"]) == (2, 5, 0)
    assert _usernames(db) == ["amina", "root", "zoe"]


def test_import_multipart(client: TestClient, admin: dict[str, str], db: Session) -> None:
    response = client.post("/api/admin/users/import", headers=admin, files={"file": ("people.csv", GOOD.encode(), "text/csv")})
    assert response.status_code == 201 and response.json()["created"] == 2


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "csv_empty"), (HEADER, "csv_empty"), ("username,full_name,shoe_size\nx,y,42\n", "csv_bad_header"), ("name\nx\n", "csv_bad_header")],
)
def test_import_bad_files(client: TestClient, admin: dict[str, str], db: Session, text: str, code: str) -> None:
    response = _csv(client, admin, text)
    assert response.status_code == 422 and response.json()["code"] == code
    assert _usernames(db) == ["root"]


def test_import_refuses_other_media_types(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/admin/users/import", headers=admin, json={"rows": []})
    assert response.status_code == 400 and response.json()["code"] == "unsupported_media_type"
