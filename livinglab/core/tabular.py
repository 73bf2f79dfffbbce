"""Read uploaded CSV/XLSX files safely: size, row and decompression limits, clear errors.

Rows are read as a stream and reading stops one row past the limit, so an oversized file is
refused before it is materialised. Limits come from settings (LIVINGLAB_UPLOAD_MAX_*).
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


class FileRejected(ValueError):
    """The file as a whole cannot be read; the message says why, in French."""


@dataclass
class Table:
    header: list[str]
    rows: list[list]  # cells are str (CSV) or str/int/float/None (XLSX)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_unzipped_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=int(getattr(settings, "LIVINGLAB_UPLOAD_MAX_BYTES", 20_000_000)),
            max_rows=int(getattr(settings, "LIVINGLAB_UPLOAD_MAX_ROWS", 250_000)),
            max_unzipped_bytes=int(
                getattr(settings, "LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES", 200_000_000)
            ),
        )


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def check_size(size: int, limits: Limits | None = None) -> None:
    """Refuse a file over the size limit (called before reading an upload into memory)."""
    limits = limits or Limits.from_settings()
    if size > limits.max_bytes:
        raise FileRejected(
            _("Fichier trop volumineux : %(size)s Mo (limite %(limit)s Mo).")
            % {"size": megabytes(size), "limit": megabytes(limits.max_bytes)}
        )


def read_table(data: bytes, *, filename: str, limits: Limits | None = None) -> Table:
    """Parse CSV or XLSX bytes into a header and rows, refusing oversized or malformed files."""
    limits = limits or Limits.from_settings()
    check_size(len(data), limits)
    if not data.strip():
        raise FileRejected(_("Le fichier est vide."))
    suffix = Path(filename).suffix.lower()
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        raise FileRejected(_("Format non pris en charge : utilisez un fichier CSV ou XLSX."))
    if suffix in XLSX_SUFFIXES:
        header, rows = _read_xlsx(data, limits)
    else:
        header, rows = _read_csv(data)
    table = Table(
        header=[str(cell or "").strip() for cell in header],
        rows=_bounded(_non_empty(rows), limits.max_rows),
    )
    if not any(table.header):
        raise FileRejected(_("Le fichier n'a pas de ligne d'en-tête."))
    if not table.rows:
        raise FileRejected(_("Le fichier ne contient aucune ligne de données."))
    return table


def _non_empty(rows: Iterable[list]) -> Iterator[list]:
    return (row for row in rows if any(str(c).strip() for c in row if c is not None))


def _bounded(rows: Iterator[list], max_rows: int) -> list[list]:
    """The rows, read one past the limit at most: the refusal names the limit, not the total."""
    kept = []
    for row in rows:
        if len(kept) == max_rows:
            raise FileRejected(
                _("Trop de lignes : plus de %(limit)d (limite %(limit)d).") % {"limit": max_rows}
            )
        kept.append(row)
    return kept


def _first_row(rows: Iterator[list]) -> list:
    try:
        return next(rows)
    except StopIteration:
        raise FileRejected(_("Le fichier est vide.")) from None


def _read_csv(data: bytes) -> tuple[list, Iterator[list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FileRejected(_("Ce fichier n'est pas un CSV lisible (contenu binaire)."))
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[list]:
        try:
            yield from reader
        except csv.Error as error:
            raise FileRejected(_("CSV illisible : %(error)s") % {"error": error}) from error

    stream = rows()
    return _first_row(stream), stream


def _read_xlsx(data: bytes, limits: Limits) -> tuple[list, Iterator[list]]:
    # openpyxl parses the XML with defusedxml when it is installed (it is: requirements.txt).
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            if unzipped > limits.max_unzipped_bytes:
                raise FileRejected(
                    _("Classeur XLSX refusé : %(size)s Mo décompressé (limite %(limit)s Mo).")
                    % {"size": megabytes(unzipped), "limit": megabytes(limits.max_unzipped_bytes)}
                )
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRejected:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure means "not a valid workbook"
        raise FileRejected(
            _("Classeur XLSX illisible ou corrompu (%(error)s).")
            % {"error": error.__class__.__name__}
        ) from error

    def rows() -> Iterator[list]:
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        except FileRejected:
            raise
        except Exception as error:  # noqa: BLE001 - a broken sheet is the file's fault
            raise FileRejected(
                _("Classeur XLSX illisible ou corrompu (%(error)s).")
                % {"error": error.__class__.__name__}
            ) from error
        finally:
            workbook.close()

    stream = rows()
    return _first_row(stream), stream
