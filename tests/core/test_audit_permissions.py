"""Permission changes are in the audit log: memberships (object rights) and user groups."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from livinglab.campaigns.models import Membership, Organisation
from livinglab.demo.accounts import EVALUATORS_GROUP, ensure_role_groups
from tests.campaigns.conftest import make_user

pytestmark = pytest.mark.django_db


def test_membership_changes_are_logged_with_their_author(client):
    lead = Organisation.objects.create(name="Association", kind="association")
    manager = make_user("manager", organisation=lead, role="manager")
    newcomer = make_user("newcomer")
    client.force_login(manager)
    data = {"user": newcomer.pk, "organisation": lead.pk, "role": "member"}
    assert client.post(reverse("campaigns_membership:add"), data).status_code == 302
    membership = Membership.objects.get(user=newcomer)
    edit = reverse("campaigns_membership:edit", args=[membership.pk])
    assert client.post(edit, {**data, "role": "manager"}).status_code == 302
    delete = reverse("campaigns_membership:delete", args=[membership.pk])
    assert client.post(delete).status_code == 302

    entries = ModelLogEntry.objects.filter(object_id=str(membership.pk)).order_by("timestamp")
    assert [entry.action for entry in entries] == [
        "wagtail.create",
        "wagtail.edit",
        "wagtail.delete",
    ]
    assert {entry.user for entry in entries} == {manager}


def test_user_group_changes_are_logged(client):
    ensure_role_groups()
    root = make_user("root", is_superuser=True, is_staff=True)
    user = make_user("evaluatrice", admin_access=False)
    client.force_login(root)
    url = reverse("wagtailusers_users:edit", args=[user.pk])
    evaluators = Group.objects.get(name=EVALUATORS_GROUP)
    data = {
        "username": user.username, "email": "e@example.org", "first_name": "E",
        "last_name": "V", "is_active": "on", "groups": [evaluators.pk],
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert user.groups.filter(name=EVALUATORS_GROUP).exists()
    entry = ModelLogEntry.objects.get(object_id=str(user.pk), action="wagtail.edit")
    assert entry.user == root
