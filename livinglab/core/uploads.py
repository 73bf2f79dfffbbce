"""One upload pipeline for every import: park → preview → confirm → import in one transaction.

1. `read_upload` refuses a file over the size limit before reading it, then parses it within
   the row and decompressed-size limits (`tabular.read_table`).
2. The caller previews it (a dry run that lists every row's errors); when it may be imported,
   `ParkedUploads.park` keeps the bytes in the private storage (never under MEDIA_ROOT) and
   gives a token, remembered in the user's session with the caller's options.
3. On confirmation `ParkedUploads.claim` takes the file back once (a second click finds nothing)
   and the caller imports it inside one transaction.

A parked file holds participants' answers: it is never kept longer than needed. A preview not
confirmed within `LIVINGLAB_PARKED_UPLOAD_SECONDS` (2 hours) is refused as expired; signing out
deletes the session's parked files (`discard_session_uploads`); an hourly Celery beat task
(`core.purge_parked_uploads`) deletes any left behind (a session that simply ended).

Both the campaigns transfers and the response imports use it, with the same limits.
"""

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from livinglab.core.tabular import Limits, Table, check_size, read_table

PRIVATE_STORAGE = "private"
FOLDER = "uploads"
# The session keys of every ParkedUploads (one per kind of import), for sign-out.
SESSION_KEYS: set[str] = set()

logger = logging.getLogger(__name__)


def read_upload(upload, *, limits: Limits | None = None) -> tuple[bytes, Table]:
    """The uploaded file's bytes and table; FileRejected says why it cannot be read."""
    limits = limits or Limits.from_settings()
    check_size(upload.size, limits)
    content = upload.read()
    return content, read_table(content, filename=upload.name, limits=limits)


@dataclass(frozen=True)
class Parked:
    filename: str
    content: bytes
    options: dict = field(default_factory=dict)


class ParkedUploads:
    """Uploads waiting for their confirmation, per session and per kind of import."""

    def __init__(self, session_key: str):
        self.session_key = session_key
        SESSION_KEYS.add(session_key)

    @property
    def storage(self):
        return storages[PRIVATE_STORAGE]

    def park(self, request, *, content: bytes, filename: str, **options) -> str:
        token = uuid.uuid4().hex
        name = self.storage.save(f"{FOLDER}/{token}", ContentFile(content))
        pending = request.session.get(self.session_key, {})
        pending[token] = {
            "path": name, "filename": filename, "options": options, "parked_at": time.time(),
        }  # fmt: skip
        request.session[self.session_key] = pending
        return token

    def claim(self, request, token: str) -> Parked | None:
        """The parked file (removed from storage and session), or None if unknown or taken."""
        pending = request.session.get(self.session_key, {})
        item = pending.pop(token, None) if isinstance(token, str) else None
        request.session[self.session_key] = pending
        if item is None:
            return None
        if time.time() - item.get("parked_at", 0) > settings.LIVINGLAB_PARKED_UPLOAD_SECONDS:
            self.storage.delete(item["path"])  # expired: the caller asks for the file again
            return None
        try:
            with self.storage.open(item["path"], "rb") as stored:
                content = stored.read()
        except FileNotFoundError:
            return None
        self.storage.delete(item["path"])
        return Parked(filename=item["filename"], content=content, options=item["options"])


def discard_session_uploads(session) -> int:
    """Delete every file parked by this session (sign-out); the number deleted."""
    storage = storages[PRIVATE_STORAGE]
    deleted = 0
    for key in SESSION_KEYS:
        pending = session.get(key) or {}
        for item in pending.values():
            storage.delete(item["path"])
            deleted += 1
        if pending:
            session[key] = {}
    return deleted


def purge_parked_uploads(*, now=None) -> int:
    """Delete the parked files older than `LIVINGLAB_PARKED_UPLOAD_SECONDS`; the number deleted.

    Their sessions can no longer confirm them (`ParkedUploads.claim` refuses them as expired).
    """
    storage = storages[PRIVATE_STORAGE]
    limit = (now or timezone.now()) - timedelta(seconds=settings.LIVINGLAB_PARKED_UPLOAD_SECONDS)
    try:
        _folders, names = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) < limit:
                storage.delete(path)
                deleted += 1
        except FileNotFoundError:  # claimed or purged meanwhile
            continue
    if deleted:
        logger.info("Deleted %d parked upload(s) never confirmed", deleted)
    return deleted
