"""Funding workflows: budget lines (pagu) and the charging rule.

docs/rules.md rule 13a–13b (which budget line an activity or a grant is charged to, and the fiscal
year its money leaves in) is written here and nowhere else: `activity_budget_line`,
`check_grant_charge` and `check_disbursement_year`. Coaching's services call them for activities,
grant rounds and grants (pembinaan/coaching/services.py, pembinaan/coaching/grants.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.funding.models import BudgetLine, FundingSource

# --- Budget lines -----------------------------------------------------------------------------


def _check_line(line: BudgetLine) -> None:
    if not line.amount or line.amount <= 0:
        raise ValidationError({"amount": _("Pagu harus lebih dari nol rupiah.")})
    line.needs_review = False
    line.full_clean(exclude=["created_by"])


@transaction.atomic
def budget_line_create(
    *,
    by: User,
    source: FundingSource,
    fiscal_year: int,
    amount: int,
    programme: str = "",
    budget_code: str = "",
    note: str = "",
) -> BudgetLine:
    line = BudgetLine(
        source=source,
        fiscal_year=fiscal_year,
        amount=amount,
        programme=programme,
        budget_code=budget_code,
        note=note,
        created_by=by,
    )
    _check_line(line)
    line._history_user = by
    line.save()
    return line


@transaction.atomic
def budget_line_update(*, line: BudgetLine, by: User, **fields: Any) -> BudgetLine:
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    moves = {k for k in ("source", "fiscal_year") if k in fields and getattr(line, k) != fields[k]}
    if moves and (line.activities.exists() or line.grants.exists()):
        raise ValidationError(
            _("Sumber dana dan tahun pagu yang sudah dipakai kegiatan atau bantuan tidak dapat diubah.")
        )
    for key in ("source", "fiscal_year", "amount", "programme", "budget_code", "note"):
        if key in fields:
            setattr(line, key, fields[key])
    _check_line(line)
    line._history_user = by
    line.save()
    return line


def budget_line_dependents(line: BudgetLine) -> list[str]:
    """What spends from a line, in words, for the refusal message when deleting it."""
    parts = []
    activities = list(line.activities.order_by("start_date").values_list("title", flat=True)[:3])
    n_activities = line.activities.count()
    if n_activities:
        parts.append(
            _("%(n)s kegiatan (%(titles)s%(more)s)")
            % {"n": n_activities, "titles": ", ".join(activities), "more": ", …" if n_activities > 3 else ""}
        )
    n_grants = line.grants.count()
    if n_grants:
        parts.append(_("%(n)s bantuan permodalan") % {"n": n_grants})
    return parts


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, by: User) -> None:
    dependents = budget_line_dependents(line)
    if dependents:
        raise ValidationError(
            _("Pagu ini tidak dapat dihapus karena sudah dipakai: %(what)s. Pindahkan dulu ke pagu lain.")
            % {"what": "; ".join(dependents)}
        )
    line._history_user = by
    line.delete()


# --- The charging rule (docs/rules.md 13a, 13b) -------------------------------------------------


def activity_budget_line(
    *, line: BudgetLine | None, line_chosen: bool, source_id: int | None, fiscal_year: int | None
) -> BudgetLine | None:
    """Rule 13a: the budget line an activity is charged to; the line decides source and year.

    `line` is the activity's current line, `line_chosen` whether the user picked it just now. A
    chosen line stands; a line left over from another source or year is dropped. Without a line,
    the one real line of that source and year is used, or, while Admin Dinas has not entered any,
    the placeholder line. None when source or year is missing (the form reports those fields).
    """
    if (
        line is not None
        and (line.source_id, line.fiscal_year) != (source_id, fiscal_year)
        and not line_chosen
    ):
        line = None
    if line is not None:
        return line
    if source_id is None or fiscal_year is None:
        return None
    real = list(
        BudgetLine.objects.filter(source_id=source_id, fiscal_year=fiscal_year, needs_review=False)[:2]
    )
    if len(real) > 1:
        raise ValidationError(
            {"budget_line": _("Ada beberapa pagu untuk sumber dana dan tahun ini; pilih salah satu.")}
        )
    return (
        real[0] if real else BudgetLine.objects.placeholder_for(source_id=source_id, fiscal_year=fiscal_year)
    )


def check_grant_charge(*, round_line: BudgetLine, budget_line: BudgetLine) -> None:
    """Rule 13b: a grant is charged to a line of its round's funding source and fiscal year.

    A round belongs to one fiscal year (its own line's, `round_line`), and a disbursement must
    fall in it (`check_disbursement_year`), so "the year of the disbursement" is the round's year.
    """
    own = round_line
    if (budget_line.source_id, budget_line.fiscal_year) != (own.source_id, own.fiscal_year):
        raise ValidationError(
            {
                "budget_line": _(
                    "Bantuan pada putaran ini dibebankan ke pagu %(source)s tahun anggaran %(year)s, "
                    "sumber dana dan tahun anggaran putaran penyalurannya. Pilih pagu itu, atau "
                    "kosongkan untuk memakai pagu putaran."
                )
                % {"source": own.source.name, "year": own.fiscal_year}
            }
        )


def check_disbursement_year(*, round_line: BudgetLine, round_title: str, disbursed_on: datetime.date) -> None:
    """Rule 13b: money leaves in the fiscal year of the round it is charged to, or needs a new round."""
    year = round_line.fiscal_year
    if disbursed_on.year != year:
        raise ValidationError(
            {
                "disbursed_on": _(
                    "Putaran penyaluran “%(round)s” termasuk tahun anggaran %(year)s, sedangkan "
                    "tanggal %(date)s masuk tahun anggaran %(new_year)s. Buka putaran penyaluran "
                    "(kegiatan Bantuan Permodalan) baru untuk tahun anggaran %(new_year)s, lalu "
                    "usulkan bantuan ini di sana."
                )
                % {
                    "round": round_title,
                    "year": year,
                    "date": date_format(disbursed_on),
                    "new_year": disbursed_on.year,
                }
            }
        )
