"""Web app first load: gzip size of the first page's JavaScript, and time to interactive in headless chromium."""

import http.server
import json
import shutil
import socketserver
import statistics
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
BUDGET_BYTES = 250 * 1024
BARE_PAGE = "<!doctype html><html lang=en><title>bare</title><label>User <input name=username></label></html>"

DESCRIPTION = """
`webapp first load`: the production build (`npm run build`) as the gateway serves it.
Size: gzip (level 9) of the JavaScript that `index.html` loads up front — the entry module and its modulepreload
chunks; lazy route chunks excluded (`frontend/scripts/bundle-size.mjs`); reference = the 250 KB budget.
Time to interactive: Debian chromium headless, cold cache per run, from navigation start until the sign-in form's
username field is visible and enabled (`bench/webapp_tti.mjs`); median of 7 runs; reference = the same measurement on
a bare HTML page with one input served by the same local static server in the same run.
"""


class _SpaHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if not path.exists():
            self.path = "/index.html"  # client-side routes fall back to the app
        return super().send_head()


def _serve(directory: Path) -> tuple[socketserver.TCPServer, int]:
    handler = lambda *a, **k: _SpaHandler(*a, directory=str(directory), **k)  # noqa: E731
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.handle_error = lambda *_: None  # type: ignore[method-assign]  # browsers drop connections when a run ends
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def run() -> list[dict[str, Any]]:
    if not (FRONTEND / "dist" / "index.html").exists():
        subprocess.run(["npm", "run", "build", "--silent"], cwd=FRONTEND, check=True)
    size = json.loads(subprocess.run(["node", "scripts/bundle-size.mjs"], cwd=FRONTEND, check=True, capture_output=True, text=True).stdout)
    first_load = int(size["first_load_js_gzip_bytes"])
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        shutil.copytree(FRONTEND / "dist", site)
        (site / "__bench_bare.html").write_text(BARE_PAGE)
        server, port = _serve(site)
        try:
            out = subprocess.run(["node", str(ROOT / "bench" / "webapp_tti.mjs"), f"http://127.0.0.1:{port}", "7"], check=True, capture_output=True, text=True).stdout
        finally:
            server.shutdown()
    times = json.loads(out.strip().splitlines()[-1])
    app_ms, bare_ms = statistics.median(times["app_ms"]), statistics.median(times["bare_ms"])
    return [
        {"name": "webapp first load JS (gzip)", "value": round(first_load / 1024, 1), "unit": "KB", "reference": 250.0,
         "ratio": round(first_load / BUDGET_BYTES, 3), "notes": "target ≤ 250 KB; reference is the budget"},
        {"name": "webapp time to interactive", "value": round(app_ms, 1), "unit": "ms", "reference": round(bare_ms, 1),
         "ratio": round(app_ms / bare_ms, 2), "notes": f"median of 7 cold loads; app runs {sorted(round(t) for t in times['app_ms'])}"},
    ]
