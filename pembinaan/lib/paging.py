"""Pages of a list that may hold a province's million rows."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Pages of a queryset. Counts the list only up to `cap` rows: past that, "more than cap", and pages up to the cap.

    An exact COUNT of a filtered list walks every matching row: 0.4-0.7 s for the businesses coached
    under a dashboard filter at 1,000,000 businesses, on every page of it. Counting up to the cap
    stops at the cap's row (about 10 ms). Nobody pages through 400 pages of 25; whoever needs the
    rows past the cap narrows the filter, turns the order round, or exports the list (the export
    holds every row), and the dashboard the drill-down came from shows the exact figure.
    """

    cap = 10_000

    @cached_property
    def _counted(self) -> int:
        # One query, COUNT over LIMIT cap + 1, of the ids alone: the list's order and its displayed
        # annotations (the open-duplicate badge built a hash of every open pair) change no count.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """True when the list holds more rows than it shows: "more than cap"."""
        return self._counted > self.cap

    def page(self, number) -> Page:
        """The page's rows, found by their ids first and then read whole, in one query.

        A list sorted by status walks, in the index's order, every business that the filter leaves
        out before the first one it keeps (130,000 at 1M businesses under a drill-down): reading
        only ids from the index skips reading each of those rows from the table (0.65 s to 0.22 s).
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)
