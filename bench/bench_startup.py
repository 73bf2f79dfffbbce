"""Start-up: `django.setup()` of one process, and a second `make run` until `/` answers.

(a) A fresh process running `django.setup()` under the dev settings, against the same process
    running only `import django` (the interpreter's floor), in the same run (target ≤ 2 s).
(b) `scripts/run.sh` (what `make run` runs) started again on the developer's database in
    `var/`, timed until `http://127.0.0.1:<port>/` answers 200 (target ≤ 5 s), as `make run`
    starts it (runserver without its autoreloader) and with `RELOAD=1` (with it). A first
    `prepare_site` runs before the timing, untimed, so that the figure is a *second* run
    (that first one loads the demo if var/ has none). The bench then stops the process group it
    started (web server and Celery worker).
Three repeats each (BENCH_REPEAT), min / median; figures printed as they come.
Run: `make bench` (or `.venv/bin/python bench/bench_startup.py`).
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
# A second start reads the project's cached bytecode. An environment that forbids writing it
# (PYTHONDONTWRITEBYTECODE=1, set in some sandboxes and CI images) makes every process compile
# all of `livinglab/` again (about 1.5 s here): not what `make run` does on a person's machine.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
SETUP = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'livinglab.settings.dev'); "
    "import django; django.setup()"
)


def say(text: str) -> None:
    print(text, flush=True)


def wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, check=True, env=ENV)
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def second_run(reload: bool = False) -> float:
    port = free_port()
    env = {**ENV, "PORT": str(port), "RELOAD": "1" if reload else "0"}
    start = time.perf_counter()
    process = subprocess.Popen(
        ["bash", "scripts/run.sh"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while time.perf_counter() - start < 300:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise SystemExit("/ did not answer within 300 s")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> None:
    setups, floors = [], []
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        say("  (PYTHONDONTWRITEBYTECODE is set here: unset for the timed processes)")
    wall(SETUP)  # untimed: writes the bytecode a second start finds
    for repeat in range(REPEAT):
        floors.append(wall("import django"))
        setups.append(wall(SETUP))
        say(f"  repeat {repeat + 1}: django.setup() {setups[-1]:.2f} s "
            f"(import django alone {floors[-1]:.2f} s)")  # fmt: skip
    say(f"(a) django.setup() of one process: min {min(setups):.2f} s / median "
        f"{statistics.median(setups):.2f} s (target ≤ 2 s); ÷ `import django` alone: median "
        f"{statistics.median(setups) / statistics.median(floors):.1f}")  # fmt: skip
    subprocess.run([PYTHON, "manage.py", "prepare_site"], cwd=ROOT, check=True, env=ENV,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    runs, reloading = [], []
    for repeat in range(REPEAT):
        # Alternate which goes first; RELOAD=1 keeps runserver's autoreloader (a second start-up).
        for reload in (False, True) if repeat % 2 == 0 else (True, False):
            (reloading if reload else runs).append(second_run(reload=reload))
        say(f"  repeat {repeat + 1}: second make run until / answers {runs[-1]:.2f} s "
            f"(RELOAD=1, with the autoreloader: {reloading[-1]:.2f} s)")  # fmt: skip
    say(f"(b) second make run until / answers: min {min(runs):.2f} s / median "
        f"{statistics.median(runs):.2f} s (target ≤ 5 s); RELOAD=1: min {min(reloading):.2f} s "
        f"/ median {statistics.median(reloading):.2f} s")  # fmt: skip
    load = os.getloadavg()
    say(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
