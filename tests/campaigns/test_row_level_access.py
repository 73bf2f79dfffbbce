"""Pseudonymous rows stay with the campaign's managers; everyone else sees suppressed counts.

docs/security.md, trust boundary 3: members and evaluators work from aggregates. They get no
participant list, inspect page, history or export, and the dashboard shows them participant
counts below the small-cell threshold as "< 10", with complementary suppression so that no
hidden count can be recomputed from the totals.
"""

import html
import re

import numpy as np
import pytest
from django.urls import reverse

from livinglab.campaigns.models import Membership, Participant
from tests.campaigns.conftest import make_site

NON_MANAGERS = ["member", "evaluator"]


def is_denied(response) -> bool:
    """403, Wagtail's "no permission" redirect to the admin home, or 404 (not even visible)."""
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code in (403, 404)


def participant_urls(participant):
    return {
        "index": reverse("campaigns_participant:index"),
        "index_results": reverse("campaigns_participant:index_results"),
        "inspect": reverse("campaigns_participant:inspect", args=[participant.pk]),
        "history": reverse("campaigns_participant:history", args=[participant.pk]),
        "history_results": reverse("campaigns_participant:history_results", args=[participant.pk]),
        "edit": reverse("campaigns_participant:edit", args=[participant.pk]),
        "usage": reverse("campaigns_participant:usage", args=[participant.pk]),
    }


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_non_managers_get_no_participant_rows(client, world, role):
    participant = world["campaign"].participants.get(code="P-001")
    client.force_login(world["users"][role])
    for view, url in participant_urls(participant).items():
        response = client.get(url)
        assert is_denied(response), (role, view, response.status_code)
        assert "P-001" not in response.content.decode(), (role, view)
    export = client.get(
        reverse("campaigns_transfers:export", args=["participants"]),
        {"campaign": world["campaign"].pk, "format": "csv"},
    )
    assert is_denied(export), (role, "export", export.status_code)
    assert "P-001" not in export.content.decode()


def test_a_manager_elsewhere_sees_no_rows_of_a_campaign_they_only_belong_to(client, world):
    """Manager of another organisation, member of the lead: the list is empty, the rest 404."""
    user = world["users"]["outsider"]
    Membership.objects.create(user=user, organisation=world["lead"], role="member")
    participant = world["campaign"].participants.get(code="P-001")
    client.force_login(user)
    for view, url in participant_urls(participant).items():
        response = client.get(url)
        body = response.content.decode()
        assert "P-001" not in body, view
        if view.startswith("index"):
            assert response.status_code == 200, view
        else:
            assert response.status_code == 404 or is_denied(response), view
    export = client.get(
        reverse("campaigns_transfers:export", args=["participants"]),
        {"campaign": world["campaign"].pk, "format": "csv"},
    )
    assert is_denied(export)


@pytest.mark.parametrize("role", ["manager", "superuser"])
def test_the_campaign_manager_still_lists_inspects_and_exports(client, world, role):
    participant = world["campaign"].participants.get(code="P-001")
    client.force_login(world["users"][role])
    urls = participant_urls(participant)
    for view in ("index", "inspect", "history", "edit"):
        response = client.get(urls[view])
        assert response.status_code == 200, view
    assert "P-001" in client.get(urls["index"]).content.decode()
    assert "P-001" in client.get(urls["inspect"]).content.decode()
    export = client.get(
        reverse("campaigns_transfers:export", args=["participants"]),
        {"campaign": world["campaign"].pk, "format": "csv"},
    )
    assert export.status_code == 200 and "P-001" in export.content.decode("utf-8-sig")


# --------------------------------------------------------------------------- dashboard counts

SMALL = 3  # the intervention group at the first site: under the threshold of 10


@pytest.fixture
def counted(world):
    """Site 1: 3 intervention + 15 comparison; site 2: 12 intervention + 20 comparison."""
    campaign = world["campaign"]
    first = world["site"]  # P-001 (intervention) is already there
    second = make_site("Lycée Joffre", postcode="34090", uai="0340099B")
    layout = [(first, "intervention", SMALL - 1), (first, "comparison", 15),
              (second, "intervention", 12), (second, "comparison", 20)]  # fmt: skip
    for site, group, count in layout:
        for index in range(count):
            Participant.objects.create(
                campaign=campaign, code=f"{site.pk}-{group[:3]}-{index}", site=site, group=group
            )
    return world


def participants_section(response) -> str:
    body = response.content.decode()
    match = re.search(r"<section[^>]*data-participants[^>]*>(.*?)</section>", body, re.S)
    assert match, "no participants section on the dashboard"
    return match.group(1)


def table_cells(section: str, table: str) -> list[list[str]]:
    """The text of every cell (header column first) of one table, row by row."""
    match = re.search(rf"<table[^>]*data-table=\"{table}\"[^>]*>(.*?)</table>", section, re.S)
    assert match, f"no {table} table"
    body = re.sub(r"<thead>.*?</thead>", "", match.group(1), flags=re.S)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


def count_texts(section: str) -> set[str]:
    return {
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", section, re.S)
    }


def as_number(text: str) -> int | None:
    return None if text.startswith("<") else int(text)


def recoverable_cells(matrix: list[list[int | None]]) -> list[tuple[int, int]]:
    """Hidden inner cells whose value the published cells and margins determine exactly.

    `matrix`: inner rows plus a last margin row, each with a last margin column; None = hidden.
    """
    inner = [row[:-1] for row in matrix[:-1]]
    hidden = [(r, c) for r, row in enumerate(inner) for c, value in enumerate(row) if value is None]
    if not hidden:
        return []
    position = {cell: index for index, cell in enumerate(hidden)}
    equations = []
    for r in range(len(inner)):
        if matrix[r][-1] is not None:
            equations.append([1.0 if cell[0] == r else 0.0 for cell in hidden])
    for c in range(len(inner[0])):
        if matrix[-1][c] is not None:
            equations.append([1.0 if cell[1] == c else 0.0 for cell in hidden])
    if not equations:
        return []
    incidence = np.array(equations)
    rank = np.linalg.matrix_rank(incidence)
    exposed = []
    for cell, index in position.items():
        unit = np.zeros(len(hidden))
        unit[index] = 1
        if np.linalg.matrix_rank(np.vstack([incidence, unit])) == rank:
            exposed.append(cell)
    return exposed


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_non_managers_see_small_counts_suppressed(client, counted, role):
    client.force_login(counted["users"][role])
    dashboard = client.get(reverse("campaigns_campaign:inspect", args=[counted["campaign"].pk]))
    assert dashboard.status_code == 200
    section = participants_section(dashboard)
    texts = count_texts(section)
    assert str(SMALL) not in texts, "the group of 3 is shown to a non-manager"
    assert "< 10" in texts
    rows = table_cells(section, "enrolled")
    matrix = [[as_number(text) for text in row[1:]] for row in rows]
    for r, row in enumerate(matrix[:-1]):  # no row total with exactly one hidden cell
        if row[-1] is not None:
            assert sum(value is None for value in row[:-1]) != 1, rows[r]
    for c in range(len(matrix[0]) - 1):  # no column total with exactly one hidden cell
        if matrix[-1][c] is not None:
            assert sum(row[c] is None for row in matrix[:-1]) != 1, [row[c] for row in matrix]
    assert recoverable_cells(matrix) == []


def test_the_manager_sees_exact_counts(client, counted):
    client.force_login(counted["users"]["manager"])
    dashboard = client.get(reverse("campaigns_campaign:inspect", args=[counted["campaign"].pk]))
    texts = count_texts(participants_section(dashboard))
    assert {str(SMALL), "15", "12", "20"} <= texts
    assert "< 10" not in texts


def test_non_managers_do_not_see_withdrawals_one_by_one(client, counted):
    """A withdrawal's audit entry is about one participant: managers only."""
    from livinglab.campaigns import audit

    audit.record(counted["campaign"], "livinglab.withdrawal", data={"participant": "P-001"})
    campaign_pk = counted["campaign"].pk
    for role, shown in (("evaluator", False), ("member", False), ("manager", True)):
        client.force_login(counted["users"][role])
        for url in (
            reverse("campaigns_campaign:inspect", args=[campaign_pk]),
            reverse("campaigns_campaign:history", args=[campaign_pk]),
        ):
            body = client.get(url).content.decode()
            assert ("Participant retiré" in body) == shown, (role, url)


def test_without_a_protocol_the_threshold_is_the_setting(client, counted, settings):
    """Without a protocol, LIVINGLAB_MIN_CELL_SIZE (default 10) is the threshold."""
    settings.LIVINGLAB_MIN_CELL_SIZE = 5
    client.force_login(counted["users"]["evaluator"])
    dashboard = client.get(reverse("campaigns_campaign:inspect", args=[counted["campaign"].pk]))
    texts = count_texts(participants_section(dashboard))
    assert "< 5" in texts and "< 10" not in texts


def test_the_threshold_comes_from_the_campaigns_protocol(client, db):
    from tests.builders import simulate_campaign
    from tests.campaigns.conftest import make_user

    campaign = simulate_campaign(
        slug="seuil", n_per_group=13, sites=2, min_cell_size=5, subgroups=(), missing=0
    )  # one group: 7 participants at the first site, 6 at the second
    evaluator = make_user("eval", organisation=campaign.lead_organisation, role="evaluator")
    client.force_login(evaluator)
    dashboard = client.get(reverse("campaigns_campaign:inspect", args=[campaign.pk]))
    texts = count_texts(participants_section(dashboard))
    assert {"7", "6", "13"} <= texts and "< 10" not in texts


@pytest.mark.parametrize("seed", range(40))
def test_no_published_sum_leaves_a_single_count_hidden(seed):
    import random

    from livinglab.campaigns.selectors import suppressed_cells

    rng = random.Random(seed)
    columns = rng.randint(1, 3)
    cells = [
        [rng.choice([0, 1, 3, 8, 10, 12, 15, 40]) for _ in range(columns)]
        for _ in range(rng.randint(1, 5))
    ]
    hidden = suppressed_cells(cells, 10)
    rows = range(len(cells))
    sums = [(("row", r), [("cell", r, c) for c in range(columns)]) for r in rows]
    sums += [(("column", c), [("cell", r, c) for r in rows]) for c in range(columns)]
    sums.append((("total",), [("row", r) for r in rows]))
    sums.append((("total",), [("column", c) for c in range(columns)]))
    for margin, parts in sums:
        assert sum(name in hidden for name in (margin, *parts)) != 1, (cells, margin)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            assert (value < 10) <= (("cell", r, c) in hidden)
