"""An export issues the same number of queries for 10 rows as for 200 (no query per row): one
select with its joins, read in batches, plus one INSERT per batch for a logged full-NIK export."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.exports.sheets import rows_of
from tests.factories import BusinessFactory
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory, grant_round

pytestmark = pytest.mark.django_db

SIZES = (10, 200)
# Measured on SQLite: session, user, permission look-ups, the filter form's choices, the rows, and
# for an admin one NikAccessLog INSERT. The bound guards against growth; equality across sizes is
# the real check.
MAX_QUERIES = 12


def _businesses(n: int, _state: dict):
    BusinessFactory.create_batch(n)
    return lambda fmt: reverse("registry:business-export", args=[fmt])


def _participants(n: int, state: dict):
    activity = state.setdefault("activity", ActivityFactory())
    for business in BusinessFactory.create_batch(n):
        ParticipationFactory(activity=activity, business=business)
    return lambda fmt: reverse("coaching:participants-export", args=[activity.pk, fmt])


def _grants(n: int, state: dict):
    round_ = state.setdefault("round", grant_round(budget_line=BudgetLineFactory()))
    CapitalAssistanceFactory.create_batch(n, activity=round_)
    return lambda fmt: reverse("coaching:grant-export", args=[fmt])


def _budget_lines(n: int, _state: dict):
    BudgetLineFactory.create_batch(n)
    return lambda fmt: reverse("funding:budget-line-export", args=[fmt])


EXPORTS = {
    "businesses": _businesses,
    "participants": _participants,
    "grants": _grants,
    "budget-lines": _budget_lines,
}


def _count(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(client.get(url))  # reading the stream runs the generator's queries too
    return len(queries), len(rows) - 1


# Admin Dinas exports full NIKs (one log INSERT per batch); budget lines hold no NIK.
CASES = [("staff_client", export) for export in EXPORTS] + [
    ("admin_client", export) for export in ("businesses", "participants", "grants")
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("persona", "export"), CASES)
def test_an_export_issues_as_many_queries_for_200_rows_as_for_10(request, persona, export, fmt):
    client = request.getfixturevalue(persona)
    make, state, counts, made = EXPORTS[export], {}, [], 0
    for size in SIZES:
        url = make(size - made, state)(fmt)
        made = size
        queries, rows = _count(client, url)
        assert rows == size
        counts.append(queries)

    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_QUERIES
