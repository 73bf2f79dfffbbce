"""Read uploaded CSV/XLSX files safely: size, row and decompression limits, clear errors."""

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


class FileRejected(ValueError):
    """The file as a whole cannot be read; the message says why, in French."""


@dataclass
class Table:
    header: list[str]
    rows: list[list]  # cells are str (CSV) or str/int/float/None (XLSX)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def read_table(data: bytes, *, filename: str) -> Table:
    """Parse CSV or XLSX bytes into a header and rows, refusing oversized or malformed files."""
    max_bytes = _limit("LIVINGLAB_UPLOAD_MAX_BYTES", 20_000_000)
    if len(data) > max_bytes:
        raise FileRejected(
            _("Fichier trop volumineux : %(size)s Mo (limite %(limit)s Mo).")
            % {"size": _megabytes(len(data)), "limit": _megabytes(max_bytes)}
        )
    if not data.strip():
        raise FileRejected(_("Le fichier est vide."))
    suffix = Path(filename).suffix.lower()
    table = _read_xlsx(data) if suffix in {".xlsx", ".xlsm"} else _read_csv(data)
    table.header = [str(cell or "").strip() for cell in table.header]
    table.rows = [row for row in table.rows if any(str(c).strip() for c in row if c is not None)]
    if not any(table.header):
        raise FileRejected(_("Le fichier n'a pas de ligne d'en-tête."))
    if not table.rows:
        raise FileRejected(_("Le fichier ne contient aucune ligne de données."))
    max_rows = _limit("LIVINGLAB_UPLOAD_MAX_ROWS", 250_000)
    if len(table.rows) > max_rows:
        raise FileRejected(
            _("Trop de lignes : %(rows)d (limite %(limit)d).")
            % {"rows": len(table.rows), "limit": max_rows}
        )
    return table


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FileRejected(_("Ce fichier n'est pas un CSV lisible (contenu binaire)."))
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise FileRejected(_("CSV illisible : %(error)s") % {"error": error}) from error
    if not rows:
        raise FileRejected(_("Le fichier est vide."))
    return Table(header=rows[0], rows=rows[1:])


def _read_xlsx(data: bytes) -> Table:
    # openpyxl parses the XML with defusedxml when it is installed (it is: requirements.txt).
    from openpyxl import load_workbook

    max_unzipped = _limit("LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES", 200_000_000)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            if unzipped > max_unzipped:
                raise FileRejected(
                    _("Classeur XLSX refusé : %(size)s Mo décompressé (limite %(limit)s Mo).")
                    % {"size": _megabytes(unzipped), "limit": _megabytes(max_unzipped)}
                )
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRejected:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure means "not a valid workbook"
        raise FileRejected(
            _("Classeur XLSX illisible ou corrompu (%(error)s).")
            % {"error": error.__class__.__name__}
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows:
        raise FileRejected(_("Le fichier est vide."))
    return Table(header=rows[0], rows=rows[1:])
