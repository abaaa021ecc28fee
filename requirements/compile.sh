#!/usr/bin/env bash
# Regenerate the hash-pinned locks from runtime.in and dev.in (`make lock`). Pins already in a lock are kept;
# move them on purpose with pip-compile's own flags, e.g. `make lock ARGS="--upgrade-package ruff"` or ARGS=--upgrade.
set -euo pipefail
cd "$(dirname "$0")/.."
PIPTOOLS_COMPILE=${PIPTOOLS_COMPILE:-.venv/bin/pip-compile}
export CUSTOM_COMPILE_COMMAND="make lock"
for name in runtime dev; do
    "$PIPTOOLS_COMPILE" --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
        --no-emit-trusted-host "$@" --output-file "requirements/$name.lock" "requirements/$name.in" 2> >(grep -v \
        'may be rejected by pip install' >&2)
    # The five local packages are installed editable with --no-deps after the lock; hash-checking mode cannot take
    # them, so drop their entries (and the warnings pip-compile writes above them) from the lock.
    python3 - "requirements/$name.lock" <<'PY'
import re
import sys
from pathlib import Path

path = Path(sys.argv[1])
out: list[str] = []
skipping = False
for line in path.read_text().splitlines():
    if line.startswith("# WARNING: pip install will require") or line.startswith("# Consider using a hashable URL"):
        continue
    if line.startswith("-e "):
        skipping = True
        continue
    if skipping and re.match(r"\s+#", line):
        continue
    skipping = False
    out.append(line)
path.write_text("\n".join(out) + "\n")
PY
done
