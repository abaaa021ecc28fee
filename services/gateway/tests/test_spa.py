import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.main import create_app
from tests.conftest import make_settings


@pytest.fixture
def web(database_url: str, key_file: Path, tmp_path: Path) -> Iterator[TestClient]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<html>app</html>")
    (tmp_path / "assets" / "app-1234.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("no")
    with TestClient(create_app(make_settings(database_url, key_file, frontend_dist=str(tmp_path)))) as client:
        yield client


def test_serves_the_web_app(web: TestClient) -> None:
    index = web.get("/")
    assert index.status_code == 200 and "app" in index.text and index.headers["cache-control"] == "no-cache"
    deep = web.get("/admin/users/123")
    assert deep.status_code == 200 and "app" in deep.text
    asset = web.get("/assets/app-1234.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    assert web.get("/favicon.svg").headers["cache-control"] == "no-cache"
    assert web.get("/assets/missing.js").status_code == 404
    assert web.get("/../secret.txt").text != "no"
    api = web.get("/api/nothing-here")
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    assert web.get("/.well-known/jwks.json").json()["keys"]


def test_without_a_build_root_is_a_note(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.json()["docs"] == "/api/docs"


def test_the_web_app_and_the_api_carry_security_headers(web: TestClient) -> None:
    index = web.get("/")
    policy = index.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    for response in (index, web.get("/assets/app-1234.js"), web.get("/healthz"), web.get("/api/nothing-here"), web.post("/api/auth/login", json={})):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert web.get("/healthz").headers["content-security-policy"].startswith("default-src 'none'")


def test_the_api_docs_page_pins_its_inline_script(client: TestClient) -> None:
    page = client.get("/api/docs")
    inline = re.findall(r"<script>(.*?)</script>", page.text, flags=re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    policy = page.headers["content-security-policy"]
    assert f"'sha256-{digest}'" in policy and "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert page.headers.get_list("content-security-policy") == [policy]  # the page's own policy, not a second one
