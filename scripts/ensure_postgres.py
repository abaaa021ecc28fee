"""Exit 0 when PostgreSQL answers (starting it if needed), 1 otherwise."""

import subprocess
import sys
import time

import psycopg

DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def reachable() -> bool:
    try:
        with psycopg.connect(DSN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


if not reachable():
    subprocess.run("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", shell=True, check=False)
    for _ in range(20):
        if reachable():
            break
        time.sleep(0.5)
sys.exit(0 if reachable() else 1)
