"""What every fault demonstration shares: a verdict line and its exit code."""

import sys
import time


class Checks:
    """Collects named checks; `finish` prints each and one PASS/FAIL line."""

    def __init__(self, name: str):
        self.name = name
        self.results: list[tuple[bool, str]] = []
        self.started = time.perf_counter()

    def check(self, ok: bool, description: str) -> bool:
        self.results.append((bool(ok), description))
        print(f"  [{'ok' if ok else 'GAGAL'}] {description}", flush=True)
        return bool(ok)

    def finish(self, error: BaseException | None = None) -> None:
        elapsed = time.perf_counter() - self.started
        if error is not None:
            print(f"  [GAGAL] the run stopped: {type(error).__name__}: {error}")
        passed = error is None and self.results and all(ok for ok, _ in self.results)
        failed = [description for ok, description in self.results if not ok]
        verdict = "PASS" if passed else "FAIL"
        print(f"\n{verdict}: {self.name} ({elapsed:.1f} s)" + (f" — {failed}" if failed else ""))
        sys.exit(0 if passed else 1)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def recreate_postgres_database(database_url: str) -> None:
    """Start from an empty database: the script's own, never a shared one."""
    from urllib.parse import urlsplit

    from bench.postgres import create_database_if_missing

    if not urlsplit(database_url).path.lstrip("/").startswith("netralitas_faults"):
        raise SystemExit("Give a database of your own, named netralitas_faults…")
    create_database_if_missing(database_url, reset=True)
