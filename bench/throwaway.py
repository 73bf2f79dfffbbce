"""A throw-away PostgreSQL database for a bench script (never the one DATABASE_URL names).

Imported before `django.setup()`: `throwaway_postgres(suffix)` points DATABASE_URL at a fresh
`<name>_<suffix>` database on the same server (None when DATABASE_URL is not PostgreSQL: the
script then runs on SQLite), and `drop_postgres` removes it at the end.
"""

import os
from urllib.parse import urlsplit, urlunsplit


def throwaway_postgres(suffix: str) -> tuple[str, str] | None:
    """Point DATABASE_URL at a fresh `<name>_<suffix>` database; None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ.pop("DATABASE_URL", None)
        return None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'livinglab'}_{suffix}"
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return admin, name


def drop_postgres(admin: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
