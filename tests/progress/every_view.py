"""The dashboard views the tests compare with a fresh count: every single filter and combinations."""

import itertools

from pembinaan.coaching.models import Activity, CoachingType
from pembinaan.funding.models import FundingSource
from pembinaan.progress.selectors import FIGURES, DashboardFilters, dashboard, dashboard_fresh
from pembinaan.reference.models import Kecamatan

SHOWN = (*FIGURES, "by_kelurahan", "goal", "behind_by", "on_track")


def every_view():
    """Every single filter, and combinations of the values the programme's data has."""
    years = sorted(set(Activity.objects.values_list("fiscal_year", flat=True)))
    types = list(CoachingType.objects.values_list("code", flat=True))
    sources = list(FundingSource.objects.values_list("code", flat=True))
    kecamatan = list(Kecamatan.objects.values_list("code", flat=True))
    views = [DashboardFilters(fiscal_year=y) for y in years]
    views += [DashboardFilters(coaching_type=t) for t in types]
    views += [DashboardFilters(funding_source=s) for s in sources]
    views += [DashboardFilters(kecamatan=k) for k in kecamatan]
    for y, t, s, k in itertools.product(years[-2:], types[:2], sources[:2], [None, *kecamatan[:2]]):
        views += [
            DashboardFilters(fiscal_year=y, coaching_type=t, funding_source=s, kecamatan=k),
            DashboardFilters(fiscal_year=y, kecamatan=k),
            DashboardFilters(coaching_type=t, funding_source=s, kecamatan=k),
        ]
    return list(dict.fromkeys(views))


def differences(target):
    wrong = []
    for view in every_view():
        maintained, fresh = dashboard(target, view), dashboard_fresh(target, view)
        wrong += [(view, key) for key in SHOWN if maintained[key] != fresh[key]]
    return wrong
