"""One upload pipeline for every import: park → preview → confirm → import in one transaction.

1. `read_upload` refuses a file over the size limit before reading it, then parses it within
   the row and decompressed-size limits (`tabular.read_table`).
2. The caller previews it (a dry run that lists every row's errors); when it may be imported,
   `ParkedUploads.park` keeps the bytes in the private storage (never under MEDIA_ROOT) and
   gives a token, remembered in the user's session with the caller's options.
3. On confirmation `ParkedUploads.claim` takes the file back once (a second click finds nothing)
   and the caller imports it inside one transaction.

Both the campaigns transfers and the response imports use it, with the same limits.
"""

import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from livinglab.core.tabular import Limits, Table, check_size, read_table

PRIVATE_STORAGE = "private"
FOLDER = "uploads"


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

    @property
    def storage(self):
        return storages[PRIVATE_STORAGE]

    def park(self, request, *, content: bytes, filename: str, **options) -> str:
        token = uuid.uuid4().hex
        name = self.storage.save(f"{FOLDER}/{token}", ContentFile(content))
        pending = request.session.get(self.session_key, {})
        pending[token] = {"path": name, "filename": filename, "options": options}
        request.session[self.session_key] = pending
        return token

    def claim(self, request, token: str) -> Parked | None:
        """The parked file (removed from storage and session), or None if unknown or taken."""
        pending = request.session.get(self.session_key, {})
        item = pending.pop(token, None) if isinstance(token, str) else None
        request.session[self.session_key] = pending
        if item is None:
            return None
        try:
            with self.storage.open(item["path"], "rb") as stored:
                content = stored.read()
        except FileNotFoundError:
            return None
        self.storage.delete(item["path"])
        return Parked(filename=item["filename"], content=content, options=item["options"])
