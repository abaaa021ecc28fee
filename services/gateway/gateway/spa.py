"""Serving the built web app: hashed assets cached for a year, index.html for every other non-API path."""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response

from gateway.models import RootInfo
from kit.errors import NotFound

IMMUTABLE = "public, max-age=31536000, immutable"


def install_spa(app: FastAPI, dist: str | None) -> None:
    """Add the catch-all web app route last (or a small note at / when there is no build)."""
    root = Path(dist).resolve() if dist else None
    router = APIRouter(include_in_schema=False)
    if root is None or not (root / "index.html").is_file():

        @router.get("/")
        def note() -> JSONResponse:
            info = RootInfo(service="NearPeer gateway", docs="/api/docs", openapi="/api/openapi.json",
                            note="The web app is not built here (set FRONTEND_DIST to a built frontend/dist).")
            return JSONResponse(info.model_dump())

        app.include_router(router)
        return

    index = root / "index.html"

    @router.api_route("/{path:path}", methods=["GET", "HEAD"])
    def web_app(path: str) -> Response:
        if path == "api" or path.startswith("api/"):
            raise NotFound("No such API path", code="not_found")
        if path:
            candidate = (root / path).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                cache = IMMUTABLE if path.startswith("assets/") else "no-cache"
                return FileResponse(candidate, headers={"Cache-Control": cache})
            if path.startswith("assets/"):
                raise NotFound("No such asset", code="not_found")
        return FileResponse(index, headers={"Cache-Control": "no-cache"}, media_type="text/html")

    app.include_router(router)



