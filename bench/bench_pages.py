"""Public page speed under gunicorn, as a ratio to Wagtail's own project-template home page.

Both sites run in this process's temporary folders, on loopback, under the same gunicorn
settings, in the same run: our demo site (DEBUG off, its own LIVINGLAB_VAR_DIR) and a throwaway
`wagtail start` project. A bounded thread-pool client sends N GET requests per page to
127.0.0.1 only. Our pages are measured twice: as anonymous visitors get them (page cache on) and
with a unique query string per request (so every request renders the page from the database).
Results go to docs/benchmarks.md under "## Pages".
Run: `make bench` (or `.venv/bin/python bench/bench_pages.py [--requests N]`).
"""

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPORT = ROOT / "docs" / "benchmarks.md"
PAGES = {
    "home": "/",
    "setting listing": "/entreprise/",
    "topic page": "/entreprise/mois-sans-tabac-entreprise/",
}
BASELINE_SETTINGS = """from .base import *  # noqa
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECRET_KEY = "bench-only"
"""
WORKERS = 2
CLIENT_THREADS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], cwd: Path, env: dict) -> None:
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)


def start_gunicorn(app: str, cwd: Path, env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), app, "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=cwd, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn {app} did not answer on port {port}")


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        assert response.status == 200, url
    return time.perf_counter() - started


def measure(urls: list[str]) -> dict:
    """Requests per second and median latency for the given URLs (sent in that order)."""
    for url in urls[:10]:
        fetch(url)  # warm up: first renditions, template loading, connections
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        latencies = list(pool.map(fetch, urls))
    elapsed = time.perf_counter() - started
    return {"rps": len(urls) / elapsed, "median_ms": statistics.median(latencies) * 1000}


def prepare_livinglab(folder: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "livinglab.settings.dev",
        "DJANGO_DEBUG": "False",
        "LIVINGLAB_VAR_DIR": str(folder / "var"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    for name in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    run([sys.executable, "manage.py", "migrate", "-v0"], ROOT, env)
    run([sys.executable, "manage.py", "load_demo", "--force"], ROOT, env)
    return env


def prepare_baseline(folder: Path) -> tuple[Path, dict]:
    project = folder / "baseline"
    project.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "baseline.settings.bench"}
    for name in ("DATABASE_URL", "CACHE_URL"):
        env.pop(name, None)
    run([str(BIN / "wagtail"), "start", "baseline", str(project)], folder, env)
    (project / "baseline" / "settings" / "bench.py").write_text(BASELINE_SETTINGS)
    run([sys.executable, "manage.py", "migrate", "-v0"], project, env)
    return project, env


def write_report(lines: list[str]) -> None:
    section = "## Pages\n\n" + "\n".join(lines) + "\n"
    text = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n\n"
    pattern = re.compile(r"^## Pages\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    text = (
        pattern.sub(lambda _match: section + "\n", text)
        if pattern.search(text)
        else (text.rstrip("\n") + "\n\n" + section)
    )
    REPORT.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    servers = []
    try:
        print("preparing the demo site and a wagtail start project…", flush=True)
        ours_env = prepare_livinglab(folder)
        baseline_dir, baseline_env = prepare_baseline(folder)
        ours_port, baseline_port = free_port(), free_port()
        servers.append(start_gunicorn("livinglab.wsgi", ROOT, ours_env, ours_port))
        servers.append(start_gunicorn("baseline.wsgi", baseline_dir, baseline_env, baseline_port))
        count = options.requests
        baseline = measure([f"http://127.0.0.1:{baseline_port}/"] * count)
        rows = []
        for name, path in PAGES.items():
            url = f"http://127.0.0.1:{ours_port}{path}"
            cached = measure([url] * count)
            rendered = measure([f"{url}?bench={number}" for number in range(count)])
            rows.append((name, path, cached, rendered))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)

    lines = [
        f"Run on {time.strftime('%Y-%m-%d')}: {platform.machine()}, {os.cpu_count()} cores "
        f"(shared), Python {platform.python_version()}, SQLite, gunicorn {WORKERS} sync "
        f"workers, {count} requests per page from {CLIENT_THREADS} client threads on "
        "127.0.0.1. `bench/bench_pages.py`, run by `make bench`.",
        "",
        f"Baseline — Wagtail `wagtail start` home page: **{baseline['rps']:.0f} req/s**, "
        f"median {baseline['median_ms']:.1f} ms.",
        "",
        "| page | anonymous (page cache) req/s | median ms | ratio to baseline "
        "| rendered (cache bypassed) req/s | median ms | ratio to baseline |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, path, cached, rendered in rows:
        lines.append(
            f"| {name} `{path}` | {cached['rps']:.0f} | {cached['median_ms']:.1f} "
            f"| {cached['rps'] / baseline['rps']:.2f} | {rendered['rps']:.0f} "
            f"| {rendered['median_ms']:.1f} | {rendered['rps'] / baseline['rps']:.2f} |"
        )
    lines += [
        "",
        'Ratio = our requests per second ÷ the baseline\'s (above 1 is faster). "Rendered" adds a '
        "unique query string to each request so the page cache never answers: it is the cost "
        "of a page right after a publish, or of a filtered listing seen for the first time.",
    ]
    write_report(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
