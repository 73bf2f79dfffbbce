"""Test suite: same services as dev, fast hashing, a file SQLite DB a worker process can open."""

import os

from .base import *  # noqa: F403
from .base import (
    CELERY_BROKER_URL,
    DATABASE_IS_SQLITE,
    DATABASES,
    VAR_DIR,
    env,
    filesystem_broker,
)

DEBUG = False
SECRET_KEY = "test-only-insecure-key-4b6d8f0a2c4e6f8a0b2d4f6a8c0e2a4c"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASE_IS_SQLITE:
    # A file (not :memory:) so that a real Celery worker process sees the test data.
    # One file per test process: parallel runs in one checkout must not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-livinglab-{os.getpid()}.sqlite3")}

# One queue per test session, so a worker never consumes another session's stale messages
# (the filesystem folder and Redis database outlive a run).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default=f"livinglab-test-{os.getpid()}")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_DIR = VAR_DIR / "celery-test"
    CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_RESULT_BACKEND = filesystem_broker(CELERY_BROKER_DIR)
