"""The benchmarks' own PostgreSQL databases: made when missing, dropped on request."""

from urllib.parse import urlsplit


def create_database_if_missing(database_url: str, reset: bool = False) -> None:
    """Make the database `database_url` names (dropping it first when `reset`)."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if reset:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
