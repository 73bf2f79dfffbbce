"""Read uploaded CSV/XLSX files safely: size, row and decompression limits, clear errors.

Rows are read as a stream and reading stops one row past the limit, so an oversized file is
refused before it is materialised. Limits come from settings (LIVINGLAB_UPLOAD_MAX_*).
"""

import codecs
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
ZIP_RATIO_FROM_BYTES = 5_000_000  # the compression-ratio check applies above this size


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
    max_zip_ratio: int = 100

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=int(getattr(settings, "LIVINGLAB_UPLOAD_MAX_BYTES", 20_000_000)),
            max_rows=int(getattr(settings, "LIVINGLAB_UPLOAD_MAX_ROWS", 250_000)),
            max_unzipped_bytes=int(
                getattr(settings, "LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES", 200_000_000)
            ),
            max_zip_ratio=int(getattr(settings, "LIVINGLAB_UPLOAD_MAX_ZIP_RATIO", 100)),
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
    _refuse_duplicate_headers(table.header)
    if not table.rows:
        raise FileRejected(_("Le fichier ne contient aucune ligne de données."))
    return table


def _refuse_duplicate_headers(header: list[str]) -> None:
    """Two columns with one name: which one holds the answers? Refuse, naming both."""
    first_seen: dict[str, int] = {}
    for position, name in enumerate(header, 1):
        key = name.casefold()
        if not key:
            continue
        if key in first_seen:
            raise FileRejected(
                _("Colonnes en double : « %(name)s » (colonnes %(first)d et %(second)d).")
                % {"name": name, "first": first_seen[key], "second": position}
            )
        first_seen[key] = position


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


def _is_utf8(data: bytes, chunk: int = 1 << 20) -> bool:
    """Checked piece by piece, so the whole text is never decoded at once."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(data[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(data: bytes) -> tuple[list, Iterator[list]]:
    if b"\x00" in data:
        raise FileRejected(_("Ce fichier n'est pas un CSV lisible (contenu binaire)."))
    encoding = "utf-8-sig" if _is_utf8(data) else "cp1252"  # Excel's French CSVs are cp1252
    first_line = data.split(b"\n", 1)[0].decode(encoding, errors="replace")
    delimiter = max([",", ";", "\t"], key=first_line.count)

    def rows() -> Iterator[list]:
        # Decoded as a stream: the text is never held twice in memory.
        text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="", errors="replace")
        try:
            yield from csv.reader(text, delimiter=delimiter)
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
            # Spreadsheets of real answers compress 5 to 30 times; a decompression bomb, by
            # hundreds. Small workbooks are spared (their ratio says little).
            ratio = unzipped / max(len(data), 1)
            if unzipped > ZIP_RATIO_FROM_BYTES and ratio > limits.max_zip_ratio:
                raise FileRejected(
                    _(
                        "Classeur XLSX refusé : %(size)s Mo décompressé pour %(packed)s Mo, "
                        "un taux de compression de %(ratio)d (limite %(limit)d)."
                    )
                    % {
                        "size": megabytes(unzipped),
                        "packed": megabytes(len(data)),
                        "ratio": ratio,
                        "limit": limits.max_zip_ratio,
                    }
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
