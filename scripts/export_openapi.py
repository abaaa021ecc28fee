"""Start the system on a scratch directory and write its combined OpenAPI document (for the web app's client)."""

import json
import sys
import tempfile
from pathlib import Path

import httpx

from devstack import Stack, free_port


def fetch_combined_spec() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="np-openapi-") as scratch, Stack(Path(scratch), port=free_port()) as stack:
        response = httpx.get(f"{stack.url}/api/openapi.json", timeout=30)
        response.raise_for_status()
        spec: dict[str, object] = response.json()
        return spec


def canonical(spec: dict[str, object]) -> str:
    """Stable text: sorted keys, volatile fields dropped."""
    info = dict(spec.get("info", {}))  # type: ignore[call-overload]
    info.pop("x-missing-services", None)
    return json.dumps({**spec, "info": info}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "frontend/openapi.json")
    target.write_text(canonical(fetch_combined_spec()))
    print(f"wrote {target}")
