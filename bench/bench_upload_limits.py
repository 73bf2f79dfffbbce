"""Hostile uploads are refused fast and small: a decompression-bomb XLSX and a CSV of millions of
tiny rows, read by the upload pipeline every admin import uses (livinglab/core/tabular.py).

Each file is read in a fresh subprocess that reports its wall time and peak memory
(`resource.getrusage`); the baseline, in the same run, is a subprocess that sets Django up and
only reads the same bytes. Targets (issue "close the holes"): refused in under 3 s, peak memory
under 250 MB. Run: `.venv/bin/python bench/bench_upload_limits.py` (part of `make bench`).
"""

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
ROW = '<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c><c><v>2</v></c></row>'

PROBE = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livinglab.settings.dev")
import django
django.setup()
from livinglab.core.tabular import FileRejected, read_table
path, mode = sys.argv[1], sys.argv[2]
started = time.perf_counter()
data = open(path, "rb").read()
outcome = "read only"
if mode == "pipeline":
    try:
        table = read_table(data, filename=path)
        outcome = f"accepted ({len(table.rows)} rows)"
    except FileRejected as refused:
        outcome = f"refused: {refused}"
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "outcome": outcome}))
"""


def bomb_xlsx(unzipped_bytes: int) -> bytes:
    """A real workbook whose one sheet is ~unzipped_bytes of repeated rows (tiny once zipped)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["code", "wave", "value"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    rows = ROW * (unzipped_bytes // len(ROW))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet.encode()
            target.writestr(item.filename, content)
    return out.getvalue()


def tiny_rows_csv(rows: int) -> bytes:
    return b"ab\n" * rows


def measure(path: Path, mode: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "XLSX bomb": (Path(folder) / "bomb.xlsx", bomb_xlsx(26_000_000)),
            "CSV, 6.6 M tiny rows": (Path(folder) / "rows.csv", tiny_rows_csv(6_600_000)),
        }
        print(f"{'file':<22} {'size':>9} {'run':<10} {'seconds':>8} {'peak MB':>8}  outcome")
        for label, (path, content) in files.items():
            path.write_bytes(content)
            size = (
                f"{len(content) / 1e6:.2f} MB"
                if len(content) > 1e6
                else f"{len(content) // 1024} KB"
            )
            for mode in ("baseline", "pipeline"):
                figures = measure(path, mode)
                print(
                    f"{label:<22} {size:>9} {mode:<10} {figures['seconds']:>8.2f} "
                    f"{figures['peak_mb']:>8.0f}  {figures['outcome'][:90]}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
