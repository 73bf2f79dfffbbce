"""Turn a campaign's responses into arrays: one wide table per outcome, one participants table.

One query for the participants' attributes, one ``values_list`` query per outcome; everything
after that is numpy and pandas, never a Python loop over rows.

Large datasets are also kept as a columnar snapshot (issue #15): the rows read from the database
are pickled under ``VAR_DIR/snapshots``, keyed by the database, the campaign (its id and creation
time, so a database rebuilt with the same ids never meets an old file), the campaign's data
version (`measurement.dataversion`, bumped in the transaction of every write that changes what a
run analyses). It holds the participants and, per indicator, its rows over every wave of the
campaign, so it serves any protocol version; an indicator it lacks is read from the database
and added. The next load of the same data reads the file instead of sending a million rows
through the DB-API. The version is read before the data, so a snapshot never holds data older
than its version. After an import commits, a worker writes the snapshot of the new version
(`snapshot_refresh`, sent by `runs.receivers`), so even the first run after it reads the file.
Reading the database for a campaign takes the campaign's lock (`campaign_lock`, a file lock under
``VAR_DIR/locks``): a run that starts while that task is writing waits for it and reads the file
instead of loading the same rows a second time.

On PostgreSQL the rows of an outcome come back as one ``bytea`` packed by the server
(`int8send`/`float8send`, big-endian), read by numpy without a Python object per value: about
three times faster than the DB-API's tuples for a million rows. SQLite has no such function; it
goes through ``fetchall``.

numpy and pandas are imported inside the functions that use them: this module is reached from
the admin's URLconf (through ``services``), and start-up must not load the scientific stack.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connections, models, router
from django.db.models import OuterRef, Q, Subquery

from livinglab.campaigns.models import Campaign, Participant
from livinglab.evaluation.measurement.dataversion import DataVersion
from livinglab.evaluation.measurement.models import Outcome, Protocol, Response, Wave

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

# Participant attributes the analysis may split or cluster by.
PARTICIPANT_COLUMNS = ("group", "site_id", "site_setting", "sex", "age_band")
# Below this many response rows a load is fast enough: no snapshot is written.
SNAPSHOT_MIN_ROWS = 50_000
SNAPSHOT_FORMAT = 2  # 2: every wave of the campaign, any set of indicators, in a dict
# How long a load waits for another process reading the same campaign (the snapshot task) before
# reading the database itself.
LOCK_WAIT_SECONDS = 120.0
# A PostgreSQL bytea holds at most 1 GB: above this many rows (24 bytes each) an outcome is read
# through the DB-API instead.
PACKED_MAX_ROWS = 40_000_000
PACKED_SQL = (
    "SELECT string_agg(int8send(answered.participant_id) || int8send(answered.wave_id) "
    "|| float8send(answered.value), ''::bytea) FROM ({query}) AS answered"
)
UNSET = object()


@dataclass(frozen=True)
class OutcomeData:
    """One outcome: its catalogue entry and a participant × wave table of values (NaN = missing)."""

    indicator: str
    label: str
    scale: str
    primary: bool
    higher_is_better: bool
    unit: str
    values: pd.DataFrame
    minimal_important_difference: float | None = None


@dataclass(frozen=True)
class EvaluationDataset:
    """What a run analyses: participants (withdrawn ones excluded) and the outcomes' values."""

    wave_codes: list[str]
    participants: pd.DataFrame  # index participant id, PARTICIPANT_COLUMNS
    outcomes: list[OutcomeData]
    withdrawn: int = 0
    answered: dict[str, pd.Index] = field(default_factory=dict)  # wave → participants with data

    def data_hash(self) -> str:
        """SHA-256 of the analysed values and the attributes they are split by (idempotence key)."""
        import numpy as np

        digest = hashlib.sha256()
        people = self.participants.sort_index()
        digest.update(people.index.to_numpy(dtype=np.int64).tobytes())
        for column in PARTICIPANT_COLUMNS:
            digest.update("\x1f".join(map(str, people[column].tolist())).encode())
        for outcome in self.outcomes:
            digest.update(f"\x1e{outcome.indicator}:{outcome.scale}".encode())
            table = outcome.values.sort_index()
            digest.update(table.index.to_numpy(dtype=np.int64).tobytes())
            digest.update(np.ascontiguousarray(table.to_numpy(dtype=float)).tobytes())
        return digest.hexdigest()


def _fetch(queryset) -> list[tuple]:
    """Run a ``values_list`` query on a raw cursor: same SQL, without per-row model overhead."""
    sql, params = queryset.query.sql_with_params()
    with connections[router.db_for_read(queryset.model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def load_participants(*, campaign_id: int) -> tuple[pd.DataFrame, int]:
    """Attributes of the campaign's participants still enrolled, and the number withdrawn."""
    import numpy as np
    import pandas as pd

    from livinglab.campaigns.models import Site

    # One query for the enrolled people and the number withdrawn (a flag per row).
    rows = _fetch(
        Participant.objects.filter(campaign_id=campaign_id)
        .annotate(
            withdrawn=models.ExpressionWrapper(
                Q(withdrawal_date__isnull=False), output_field=models.BooleanField()
            )
        )
        .values_list("id", "group", "site_id", "sex", "age_band", "withdrawn")
    )
    columns = ["id", "group", "site_id", "sex", "age_band", "withdrawn"]
    frame = pd.DataFrame(rows, columns=columns, dtype=object).set_index("id")
    gone = frame.pop("withdrawn").astype(bool).to_numpy()
    withdrawn = int(gone.sum())
    if withdrawn:
        frame = frame[~gone]
    frame.index = frame.index.astype(np.int64)
    # A handful of sites: map their setting instead of joining it onto every participant row.
    settings = dict(
        Site.objects.filter(pk__in=frame["site_id"].dropna().unique().tolist()).values_list(
            "pk", "setting"
        )
    )
    # Without any site the mapped column is all-NaN float64: cast before filling with text.
    frame["site_setting"] = frame["site_id"].map(settings).astype(object).fillna("")
    frame["age_band"] = frame["age_band"].fillna("")
    return frame[list(PARTICIPANT_COLUMNS)], withdrawn


def load_dataset(*, protocol: Protocol) -> EvaluationDataset:
    """Read everything a run of this protocol analyses (from its snapshot when there is one)."""
    import numpy as np
    import pandas as pd

    wave_codes = list(protocol.wave_codes)
    campaign_waves = dict(
        Wave.objects.filter(campaign_id=protocol.campaign_id).values_list("id", "code")
    )
    wave_ids = {pk: code for pk, code in campaign_waves.items() if code in wave_codes}
    protocol_outcomes = list(protocol.outcomes.select_related("indicator"))
    indicator_ids = [outcome.indicator.id for outcome in protocol_outcomes]
    participants, withdrawn, rows_by_indicator = _snapshot_rows(
        protocol.campaign_id, indicator_ids=indicator_ids, campaign_waves=list(campaign_waves)
    )
    outcomes = []
    answered = {code: pd.Index([], dtype=np.int64) for code in wave_codes}
    for outcome in protocol_outcomes:
        indicator = outcome.indicator
        table = _wide(
            rows_by_indicator[indicator.id],
            wave_ids=wave_ids,
            wave_codes=wave_codes,
            people=participants.index,
        )
        for code in wave_codes:
            answered[code] = answered[code].union(table.index[table[code].notna()])
        outcomes.append(
            OutcomeData(
                indicator=indicator.code,
                label=outcome.label or indicator.label,
                scale=indicator.scale,
                primary=outcome.primary,
                higher_is_better=indicator.higher_is_better,
                unit=indicator.unit,
                values=table,
                minimal_important_difference=indicator.minimal_important_difference,
            )
        )
    return EvaluationDataset(
        wave_codes=wave_codes,
        participants=participants,
        outcomes=outcomes,
        withdrawn=withdrawn,
        answered=answered,
    )


def _snapshot_rows(
    campaign_id: int,
    *,
    indicator_ids: list[int],
    campaign_waves: list[int] | None = None,
    path=UNSET,
):
    """(participants, withdrawn, rows per indicator over all the campaign's waves).

    From the snapshot of the current data version when it holds these indicators; otherwise
    the missing parts are read from the database and the snapshot (re)written, with what it
    already held, when the rows number at least `SNAPSHOT_MIN_ROWS`.
    """
    if path is UNSET:
        path = _snapshot_path(campaign_id)
    stored = _snapshot_read(path) or {}
    if _holds(stored, indicator_ids):
        return stored["participants"], stored["withdrawn"], dict(stored["rows"])
    with campaign_lock(campaign_id):
        # Another process (the snapshot task after an import) may have written it meanwhile.
        stored = _snapshot_read(path) or stored
        return _read_and_keep(
            campaign_id, stored, indicator_ids=indicator_ids, campaign_waves=campaign_waves,
            path=path,
        )  # fmt: skip


def _holds(stored: dict, indicator_ids: list[int]) -> bool:
    rows = stored.get("rows") or {}
    return "participants" in stored and all(key in rows for key in indicator_ids)


def _read_and_keep(campaign_id: int, stored: dict, *, indicator_ids, campaign_waves, path):
    """What `stored` lacks, read from the database; the whole kept as the new snapshot."""
    rows_by_indicator = dict(stored.get("rows") or {})
    missing = [key for key in dict.fromkeys(indicator_ids) if key not in rows_by_indicator]
    if "participants" in stored and not missing:
        return stored["participants"], stored["withdrawn"], rows_by_indicator
    if "participants" in stored:
        participants, withdrawn = stored["participants"], stored["withdrawn"]
    else:
        participants, withdrawn = load_participants(campaign_id=campaign_id)
    # Every wave of the campaign (a wave belongs to one campaign; an indicator does not): the
    # snapshot then serves any protocol version, whichever waves it reads.
    if campaign_waves is None:
        campaign_waves = list(
            Wave.objects.filter(campaign_id=campaign_id).values_list("id", flat=True)
        )
    # At most one row per participant (enrolled or withdrawn), wave and indicator.
    most = (len(participants) + withdrawn) * len(campaign_waves)
    for indicator_id in missing:
        rows_by_indicator[indicator_id] = response_rows(
            Response.objects.filter(indicator_id=indicator_id, wave_id__in=campaign_waves)
            .order_by()
            .values_list("participant_id", "wave_id", "value"),
            most=most,
        )
    if sum(len(rows) for rows in rows_by_indicator.values()) >= SNAPSHOT_MIN_ROWS:
        _snapshot_write(
            path, {"participants": participants, "withdrawn": withdrawn, "rows": rows_by_indicator}
        )
    return participants, withdrawn, rows_by_indicator


def snapshot_refresh(*, campaign_id: int, version: int | None = None) -> bool:
    """Write the campaign's snapshot for its current data version (the Celery task's body).

    Sent after an import commits (and after other changes of a campaign that already has a
    snapshot), so that the first run afterwards reads the file. It holds every indicator one
    of the campaign's protocols analyses. Does nothing when `version` is no longer current (a
    later change sent its own task) or the snapshot is already there. True when one exists
    for the current version afterwards.
    """
    found = _snapshot_key(campaign_id)  # reads the version before any data
    if found is None or (version is not None and found[1] != version):
        return False
    path = found[0]
    indicator_ids = list(
        Outcome.objects.filter(protocol__campaign_id=campaign_id)
        .order_by("indicator_id")
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    if not indicator_ids:
        return False
    _snapshot_rows(campaign_id, indicator_ids=indicator_ids, path=path)
    return path.exists()


def has_snapshot(campaign_id: int) -> bool:
    """True when a snapshot of the campaign (any version) is on disk: a large dataset."""
    folder = settings.VAR_DIR / "snapshots"
    return folder.is_dir() and any(folder.glob(f"campaign-{campaign_id}-*.pickle"))


def _snapshot_path(campaign_id: int) -> Path | None:
    """The snapshot file of the campaign's current data, or None (campaign gone)."""
    found = _snapshot_key(campaign_id)
    return found and found[0]


def _snapshot_key(campaign_id: int) -> tuple[Path, int] | None:
    """(snapshot file, data version it holds), or None. One query: creation time, version."""
    found = (
        Campaign.objects.filter(pk=campaign_id)
        .annotate(
            data_version=Subquery(
                DataVersion.objects.filter(campaign_id=OuterRef("pk")).values("version")[:1]
            )
        )
        .values_list("created_at", "data_version")
        .first()
    )
    if found is None:
        return None
    created_at, version = found
    database = connections[router.db_for_read(Response)].settings_dict
    key = hashlib.sha256(
        repr(
            (
                SNAPSHOT_FORMAT,
                database["ENGINE"],
                database.get("HOST"),
                database.get("PORT"),
                str(database["NAME"]),
                campaign_id,
                created_at.isoformat(),
                version or 0,
            )
        ).encode()
    ).hexdigest()[:32]
    return settings.VAR_DIR / "snapshots" / f"campaign-{campaign_id}-{key}.pickle", version or 0


def _snapshot_read(path):
    """The content stored at `path` (a dict), or None."""
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as stream:
            # Our own file, written by `_snapshot_write` in the application's var folder.
            content = pickle.load(stream)  # noqa: S301
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError) as error:
        logger.warning("Dataset snapshot %s unreadable (%s): reading the database", path, error)
        return None
    if not isinstance(content, dict):
        logger.warning("Dataset snapshot %s of another format: reading the database", path)
        return None
    return content


def _snapshot_write(path, content) -> None:
    """Write the snapshot atomically, and remove the campaign's older snapshots."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(content, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        prefix = path.name.rsplit("-", 1)[0] + "-"
        for other in path.parent.glob(f"{prefix}*.pickle"):
            if other != path:
                other.unlink(missing_ok=True)
    except OSError as error:
        logger.warning("Dataset snapshot %s not written (%s)", path, error)


@contextmanager
def campaign_lock(campaign_id: int):
    """Hold the campaign's dataset lock (one reader of its responses at a time on this machine).

    A file lock (`fcntl.flock`) under ``VAR_DIR/locks``, released when the file is closed, also
    when the process dies. After `LOCK_WAIT_SECONDS` the caller goes on without it (logged): a
    stuck task must not stop runs. Yields whether the lock is held.
    """
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no lock, each load reads for itself
        yield False
        return
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"dataset-campaign-{campaign_id}.lock").open("a+b") as handle:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        held = False
        while not held:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    logger.warning("Dataset of campaign %s: lock still held after %s s, reading "
                                   "without it", campaign_id, LOCK_WAIT_SECONDS)  # fmt: skip
                    break
                time.sleep(0.05)
        yield held  # closing the file releases the lock


def response_rows(queryset, *, most: int | None = None):
    """A ``values_list("participant_id", "wave_id", "value")`` query as a structured array.

    PostgreSQL packs the rows into one ``bytea`` (unless `most` rows could overflow it);
    elsewhere the DB-API's tuples are converted.
    """
    import numpy as np

    connection = connections[router.db_for_read(queryset.model)]
    if connection.vendor != "postgresql" or (most is not None and most > PACKED_MAX_ROWS):
        return _rows_array(_fetch(queryset))
    sql, params = queryset.query.sql_with_params()  # the ORM's SQL; values stay parameters
    packed = PACKED_SQL.format(query=sql)
    with connection.cursor() as cursor:
        cursor.execute(packed, params)
        (content,) = cursor.fetchone()
    wire = np.dtype([("participant", ">i8"), ("wave", ">i8"), ("value", ">f8")])
    return np.frombuffer(content or b"", dtype=wire).astype(_row_dtype())


def _row_dtype():
    """(participant, wave id, value) rows, native byte order."""
    import numpy as np

    return np.dtype([("participant", np.int64), ("wave", np.int64), ("value", float)])


def _rows_array(rows: list[tuple]):
    """(participant, wave id, value) rows as one structured numpy array."""
    import numpy as np

    return np.fromiter(rows, dtype=_row_dtype(), count=len(rows))


def _wide(
    array, *, wave_ids: dict[int, str], wave_codes: list[str], people: pd.Index
) -> pd.DataFrame:
    """Scatter (participant, wave id, value) rows into participant × wave code, enrolled only.

    Plain numpy indexing (searchsorted on the enrolled ids) rather than `DataFrame.pivot`:
    (participant, wave, indicator) is unique in the database, so no aggregation is needed.
    """
    import numpy as np
    import pandas as pd

    if not len(array):
        empty = pd.DataFrame(columns=wave_codes, dtype=float)
        empty.index = pd.Index([], dtype=np.int64, name="participant")
        return empty
    participant_ids = array["participant"]
    ids = people.to_numpy(dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    position = np.clip(np.searchsorted(sorted_ids, participant_ids), 0, max(len(ids) - 1, 0))
    enrolled = (sorted_ids[position] == participant_ids) if len(ids) else np.zeros(0, bool)
    row_waves = array["wave"]
    lookup = np.full(max([*wave_ids, int(row_waves.max())]) + 1, -1, dtype=np.int64)
    for wave_id, code in wave_ids.items():
        lookup[wave_id] = wave_codes.index(code)
    columns = lookup[row_waves]
    keep = enrolled & (columns >= 0)
    matrix = np.full((len(ids), len(wave_codes)), np.nan)
    matrix[order[position[keep]], columns[keep]] = array["value"][keep]
    answered = ~np.isnan(matrix).all(axis=1)
    table = pd.DataFrame(
        matrix[answered], index=pd.Index(ids[answered], name="participant"), columns=wave_codes
    )
    return table.sort_index()


def load_re_aim_context(*, campaign) -> dict:
    """Counts the RE-AIM report needs besides the statistics: target, sites, actions, attendance."""
    from livinglab.campaigns.models import Action, Attendance

    actions = Action.objects.filter(campaign=campaign)
    by_status = dict(
        actions.order_by()
        .values_list("status")
        .annotate(n=models.Count("id"))
        .values_list("status", "n")
    )
    totals = actions.aggregate(
        planned_attendance=models.Sum("planned_attendance"),
        actual_attendance=models.Sum("actual_attendance"),
    )
    participating_sites = (
        Participant.objects.filter(
            campaign=campaign, withdrawal_date__isnull=True, site__isnull=False
        )
        .values("site_id")
        .distinct()
        .count()
    )
    return {
        "target_population": campaign.target_population,
        "sites_approached": actions.filter(site__isnull=False).values("site_id").distinct().count(),
        "sites_participating": participating_sites,
        "actions_planned": sum(by_status.values()),
        "actions_delivered": by_status.get(Action.Status.DELIVERED, 0),
        "actions_cancelled": by_status.get(Action.Status.CANCELLED, 0),
        "planned_attendance": totals["planned_attendance"] or 0,
        "actual_attendance": totals["actual_attendance"] or 0,
        "participants_attending": Attendance.objects.filter(
            action__campaign=campaign, participant__withdrawal_date__isnull=True
        )
        .values("participant_id")
        .distinct()
        .count(),
    }
