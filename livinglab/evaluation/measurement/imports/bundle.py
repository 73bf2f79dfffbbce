"""What a response upload holds: one table, or ODK Central's ZIP export (the submissions table and
one table per repeat group, media ignored), every table read by `core.tabular.read_table` within
the upload limits; the archive itself is checked before anything is unpacked."""

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from livinglab.core.tabular import (
    ZIP_RATIO_FROM_BYTES,
    FileRejected,
    Limits,
    Table,
    check_size,
    megabytes,
    read_table,
)

PARENT_KEY = "PARENT_KEY"
MAX_MEMBERS = 500


@dataclass
class Bundle:
    main: Table
    repeats: dict[str, Table] = field(default_factory=dict)  # file name → repeat-group table


def is_repeat_table(header: list[str]) -> bool:
    """ODK's repeat-group tables point to their parent submission."""
    return PARENT_KEY in header and "KEY" in header


def read_bundle(
    data: bytes,
    *,
    filename: str,
    limits: Limits | None = None,
    repeats: dict[str, bytes] | None = None,
) -> Bundle:
    """The tables of an upload; FileRejected says why it cannot be read."""
    limits = limits or Limits.from_settings()
    if Path(filename).suffix.lower() == ".zip":
        tables = _read_zip(data, limits)
    else:
        tables = {filename: read_table(data, filename=filename, limits=limits)}
    for name, content in (repeats or {}).items():
        tables[name] = read_table(content, filename=name, limits=limits)
    return bundle_of(tables)


def bundle_of(tables: dict[str, Table]) -> Bundle:
    main = [name for name, table in tables.items() if not is_repeat_table(table.header)]
    if not main:
        raise FileRejected(
            _(
                "Fichier d'un groupe répété d'ODK (colonnes PARENT_KEY et KEY) sans le fichier "
                "principal des soumissions : importez le ZIP complet d'ODK Central, ou donnez "
                "le fichier principal et ce fichier avec --repeat."
            )
        )
    if len(main) > 1:
        raise FileRejected(
            _("Le ZIP contient plusieurs tableaux principaux (%(names)s) : un seul est attendu.")
            % {"names": ", ".join(main)}
        )
    repeats = {name: table for name, table in tables.items() if name != main[0]}
    return Bundle(main=tables[main[0]], repeats=repeats)


def read_zip_upload(upload, *, limits: Limits | None = None) -> tuple[bytes, Bundle]:
    """`core.uploads.read_upload` for ODK Central's ZIP: size refused before reading."""
    limits = limits or Limits.from_settings()
    check_size(upload.size, limits)
    content = upload.read()
    return content, read_bundle(content, filename=upload.name, limits=limits)


def _read_zip(data: bytes, limits: Limits) -> dict[str, Table]:
    check_size(len(data), limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise FileRejected(_("Archive ZIP illisible ou corrompue.")) from error
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise FileRejected(
                _("Archive ZIP refusée : plus de %(limit)d fichiers.") % {"limit": MAX_MEMBERS}
            )
        tables = [
            info
            for info in members
            if PurePosixPath(info.filename).suffix.lower() == ".csv"
            and not PurePosixPath(info.filename).name.startswith(".")
            and "__MACOSX" not in info.filename
        ]
        if not tables:
            raise FileRejected(_("L'archive ZIP ne contient aucun fichier CSV."))
        declared = sum(info.file_size for info in tables)
        _check_unzipped(declared, sum(info.compress_size for info in tables), limits)
        result, total = {}, 0
        for info in tables:
            with archive.open(info) as member:
                # Declared sizes can lie: never read more than the limits allow.
                content = member.read(limits.max_bytes + 1)
            total += len(content)
            _check_unzipped(total, None, limits)
            name = PurePosixPath(info.filename).name
            result[name] = read_table(content, filename=name, limits=limits)
    return result


def _check_unzipped(size: int, packed: int | None, limits: Limits) -> None:
    if size > limits.max_unzipped_bytes:
        raise FileRejected(
            _("Archive ZIP refusée : %(size)s Mo décompressé (limite %(limit)s Mo).")
            % {"size": megabytes(size), "limit": megabytes(limits.max_unzipped_bytes)}
        )
    if packed and size > ZIP_RATIO_FROM_BYTES and size / packed > limits.max_zip_ratio:
        raise FileRejected(
            _("Archive ZIP refusée : taux de compression de %(ratio)d (limite %(limit)d).")
            % {"ratio": size / packed, "limit": limits.max_zip_ratio}
        )
