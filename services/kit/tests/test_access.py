from fastapi import APIRouter, Depends, FastAPI

from kit.access import AccessRule, access_rules, publish_access_rules
from kit.auth import AdminUser, CurrentPrincipal, SignedInUser, SupervisorUser, require

router = APIRouter(prefix="/api/demo", tags=["demo"])
ReaderOrClient = Depends(require(roles=("admin",), scopes=("demo:read",)))


@router.get("/public")
def public() -> dict[str, str]:
    return {}


@router.get("/any-token")
def any_token(_: CurrentPrincipal) -> dict[str, str]:
    return {}


@router.get("/me")
def me(_: SignedInUser) -> dict[str, str]:
    return {}


@router.post("/admin")
def admin_only(_: AdminUser) -> dict[str, str]:
    return {}


@router.get("/review")
def review(_: SupervisorUser) -> dict[str, str]:
    return {}


@router.get("/export", dependencies=[ReaderOrClient])
def export() -> dict[str, str]:
    return {}


def _app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    publish_access_rules(app)
    return app


def test_rules_are_read_from_the_dependency_tree() -> None:
    rules = access_rules(_app())
    assert ("GET", "/api/demo/public") not in rules
    assert rules[("GET", "/api/demo/any-token")] == AccessRule()
    assert rules[("GET", "/api/demo/me")] == AccessRule(user_only=True)
    assert rules[("POST", "/api/demo/admin")] == AccessRule(roles=("admin",))
    assert rules[("GET", "/api/demo/review")] == AccessRule(roles=("supervisor", "admin"))
    assert rules[("GET", "/api/demo/export")] == AccessRule(roles=("admin",), scopes=("demo:read",))


def test_the_openapi_document_carries_the_rules() -> None:
    paths = _app().openapi()["paths"]
    assert not any(k.startswith("x-") for k in paths["/api/demo/public"]["get"])
    assert paths["/api/demo/any-token"]["get"]["x-authenticated"] is True
    assert paths["/api/demo/me"]["get"]["x-signed-in-user"] is True
    assert paths["/api/demo/admin"]["post"]["x-required-roles"] == ["admin"]
    assert paths["/api/demo/review"]["get"]["x-required-roles"] == ["supervisor", "admin"]
    export = paths["/api/demo/export"]["get"]
    assert export["x-required-roles"] == ["admin"] and export["x-required-scopes"] == ["demo:read"]
