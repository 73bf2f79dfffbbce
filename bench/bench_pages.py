"""Public page speed under gunicorn, as a ratio to Wagtail's own project-template home page.

Both sites run in this process's temporary folders, on loopback, under the same gunicorn
settings, in the same run: our demo site (DEBUG off, its own LIVINGLAB_VAR_DIR) and a throwaway
`wagtail start` project. A client with as many threads as gunicorn has workers (so that no
request waits in a queue and the figure is the cost of a page) sends N GET requests per page to
127.0.0.1 only. The headline is the *uncached* ratio: each request carries a unique query
string, so the page cache never answers and the page is rendered (with what is kept once per
publish: site-wide data, cards, what the page lists, a campaign's story and results), as for a
signed-in visitor. The first request after the version bump (a publish) is reported apart. The
anonymous figure (page cache on) follows. Each repeat measures the baseline and every page
again; the report gives min / median of the ratios over the repeats, and the number of queries
of a first render (counted in-process with Django's test client on the same database).
Results go to docs/benchmarks.md under "## Pages".
Run: `make bench` (or `.venv/bin/python bench/bench_pages.py [--requests N] [--repeats N]`).
"""

import argparse
import json
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
    "campaign page": "/campagnes/bouge-ta-recre/",
    "toolkit page": "/ce-qui-marche/ecole/",
}
BASELINE_SETTINGS = """from .base import *  # noqa
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECRET_KEY = "bench-only"
"""
WORKERS = 2
CLIENT_THREADS = WORKERS  # no queueing in the figure
COUNT_QUERIES_SCRIPT = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
counts = {}
for name, path in json.loads(sys.argv[1]).items():
    client.get(path + "?warm=1")  # site-wide data and renditions, as in the timed requests
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path + "?count=1").status_code == 200, path
    counts[name] = len(queries.captured_queries)
print(json.dumps(counts))
"""


BUMP_SCRIPT = (
    "import django; django.setup(); "
    "from livinglab.cms.cache import bump_page_cache_version; bump_page_cache_version()"
)


def bump_version(env: dict) -> None:
    """What a publish does to the cache: retire every page, site-wide datum and card."""
    run([sys.executable, "-c", BUMP_SCRIPT], ROOT, env)


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
    # A cache shared by the workers and this script (as Redis is in production), so that the
    # bench can bump the page cache's version before measuring a page, as a publish does.
    env["CACHE_URL"] = f"filecache://{folder / 'cache'}"
    run([sys.executable, "manage.py", "migrate", "-v0"], ROOT, env)
    run([sys.executable, "manage.py", "load_demo", "--force"], ROOT, env)
    return env


def count_queries(env: dict) -> dict[str, int]:
    """Queries per page rendered with only the site-wide data cached (a first render)."""
    env = {**env, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}
    env["CMS_PAGE_CACHE_SECONDS"] = "0"  # nothing per page kept: the first render's queries
    output = subprocess.run(
        [sys.executable, "-c", COUNT_QUERIES_SCRIPT, json.dumps(PAGES)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


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
    # Only the section's head: its "###" subsections keep the earlier runs' history.
    pattern = re.compile(r"^## Pages\n.*?(?=^## |^### |\Z)", re.DOTALL | re.MULTILINE)
    text = (
        pattern.sub(lambda _match: section + "\n", text)
        if pattern.search(text)
        else (text.rstrip("\n") + "\n\n" + section)
    )
    REPORT.write_text(text.rstrip("\n") + "\n")


def min_median(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--repeats", type=int, default=3, help="repeats (min / median)")
    options = parser.parse_args()
    load_before = os.getloadavg()[0]  # what else the machine was doing (the bench adds ~2)
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    servers = []
    count = options.requests
    repeats = []  # per repeat: baseline, then {page: (cached, rendered)}
    try:
        print("preparing the demo site and a wagtail start project…", flush=True)
        ours_env = prepare_livinglab(folder)
        queries = count_queries(ours_env)
        print(f"queries per rendered page: {queries}", flush=True)
        baseline_dir, baseline_env = prepare_baseline(folder)
        ours_port, baseline_port = free_port(), free_port()
        servers.append(start_gunicorn("livinglab.wsgi", ROOT, ours_env, ours_port))
        servers.append(start_gunicorn("baseline.wsgi", baseline_dir, baseline_env, baseline_port))
        for repeat in range(options.repeats):
            baseline = measure([f"http://127.0.0.1:{baseline_port}/"] * count)
            pages = {}
            for name, path in PAGES.items():
                url = f"http://127.0.0.1:{ours_port}{path}"
                cached = measure([url] * count)
                bump_version(ours_env)  # everything rendered after this "publish"
                first = fetch(f"{url}?bench={repeat}-first") * 1000
                rendered = measure([f"{url}?bench={repeat}-{number}" for number in range(count)])
                rendered["first_ms"] = first
                pages[name] = (cached, rendered)
                ratio = rendered["rps"] / baseline["rps"]
                print(
                    f"repeat {repeat + 1}: {name}: rendered {rendered['rps']:.0f} req/s "
                    f"(÷ baseline {baseline['rps']:.0f} = {ratio:.2f}); "
                    f"first after the bump {first:.0f} ms",
                    flush=True,
                )
            repeats.append((baseline, pages))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)

    baselines = [baseline["rps"] for baseline, _pages in repeats]
    lines = [
        f"Run on {time.strftime('%Y-%m-%d %H:%M')}: {platform.machine()}, {os.cpu_count()} cores "
        f"(load average {load_before:.1f} before the bench started, "
        f"{os.getloadavg()[0]:.1f} at its end), Python {platform.python_version()}, SQLite, "
        f"gunicorn {WORKERS} sync workers, {count} requests per page from {CLIENT_THREADS} "
        f"client threads (as many as workers) on 127.0.0.1, {len(repeats)} repeats. "
        "`bench/bench_pages.py`, run by `make bench`.",
        "",
        "**Uncached ratio** — page rendered (page cache bypassed) ÷ Wagtail's bare home page, "
        "same gunicorn, min / median over the repeats (target ≥ 0.6), and the queries of one "
        "rendered page (target ≤ 10, campaign page ≤ 14):",
        "",
        "| page | uncached ratio (min / median) | queries | rendered req/s (median) "
        "| anonymous ratio, page cache (min / median) | first render after a publish, ms "
        "(median) |",
        "|---|---|---|---|---|---|",
    ]
    for name, path in PAGES.items():
        rendered = [pages[name][1]["rps"] / base["rps"] for base, pages in repeats]
        cached = [pages[name][0]["rps"] / base["rps"] for base, pages in repeats]
        rendered_rps = statistics.median(pages[name][1]["rps"] for _base, pages in repeats)
        first_ms = statistics.median(pages[name][1]["first_ms"] for _base, pages in repeats)
        lines.append(
            f"| {name} `{path}` | **{min_median(rendered)}** | {queries[name]} "
            f"| {rendered_rps:.0f} | {min_median(cached)} | {first_ms:.0f} |"
        )
    lines += [
        "",
        f"Baseline — Wagtail `wagtail start` home page: {min(baselines):.0f} / "
        f"{statistics.median(baselines):.0f} req/s (min / median).",
        "",
        "Ratio = our requests per second ÷ the baseline's in the same repeat (above 1 is faster). "
        '"Rendered" adds a unique query string to each request so the page cache never answers: '
        "it is the cost of a page for a visitor the page cache does not serve (signed in, or an "
        "address with a query string the page does not keep). Before each page's rendered "
        "figure the bench bumps the page cache's version (what a publish does, in a file cache "
        "shared by the workers and the bench): what is kept under it is retired — the site-wide "
        "data (`livinglab/cms/sitewide.py`), the topic cards (`cms_tags.topic_cards`), what the "
        "home, listing and toolkit pages list (`sitewide.per_publish`), the campaign page's "
        "story, costs and results (`cms_tags.campaign_public_sections`) and the topic page's "
        "article (`cms_tags.topic_article`) — and rebuilt by the "
        "first request; **the last column is that first request alone**, the cost of a page "
        "right after a publish (or of a listing's filter combination seen for the first time). "
        "The queries are those of that first render once the site-wide data is cached "
        "(counted with `CMS_PAGE_CACHE_SECONDS=0`, as `tests/cms/test_query_budgets.py` holds "
        "them); the following renders read fewer.",
    ]
    write_report(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
