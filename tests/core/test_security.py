"""Security settings that users rely on: login throttling, no high-severity bandit finding."""

import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db


def test_admin_login_is_locked_after_repeated_failures(client, settings):
    get_user_model().objects.create_user("alice", password="correct-horse-battery")
    statuses = [
        client.post("/admin/login/", {"username": "alice", "password": "wrong"}).status_code
        for _attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The form again, with an error, until the limit-th failure locks the pair.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(
        "/admin/login/", {"username": "alice", "password": "correct-horse-battery"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_password_logs_in_before_the_limit(client):
    get_user_model().objects.create_user("bob", password="correct-horse-battery")
    client.post("/admin/login/", {"username": "bob", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "bob", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_bandit_reports_no_high_severity_issue():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "livinglab", "-q", "--severity-level", "high"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
