"""What the apps above the registry add to its pages, registered in their `AppConfig.ready()`.

The registry knows owners and businesses only. Coaching, funding and progress show their part of
a business on the business page and narrow the business list to the businesses behind one of their
numbers; they register that here, the way `django.contrib.admin` finds each app's `ModelAdmin`, so
the registry never imports them (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest

from pembinaan.registry.models import Business

SectionContext = Callable[[HttpRequest, Business], dict[str, Any]]
ListFilter = Callable[[QuerySet[Business], Mapping[str, Any]], QuerySet[Business]]


@dataclass(frozen=True)
class BusinessSection:
    """One part of the "Pembinaan" card of the business page: a template and what it reads."""

    name: str
    order: int
    template: str
    context: SectionContext


_sections: dict[str, BusinessSection] = {}
_list_filters: dict[str, ListFilter] = {}


def register_business_section(name: str, *, order: int, template: str, context: SectionContext) -> None:
    """Show `template` on every business page, in `order` among the sections, with `context(request,
    business)` added to the page's context (its keys must not clash with the page's or another's)."""
    _sections[name] = BusinessSection(name=name, order=order, template=template, context=context)


def business_sections() -> list[BusinessSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def business_sections_context(request: HttpRequest, business: Business, page: Mapping[str, Any]) -> dict:
    """The sections to include, in order, and the context each of them asked for."""
    sections = business_sections()
    context: dict[str, Any] = {"business_sections": sections}
    for section in sections:
        added = section.context(request, business)
        clash = (added.keys() & page.keys()) | (added.keys() & context.keys())
        if clash:
            raise ImproperlyConfigured(
                f"Business page section {section.name!r} reuses context names: {sorted(clash)}"
            )
        context.update(added)
    return context


def register_business_list_filter(key: str, narrow: ListFilter) -> None:
    """When the business list's filters carry `key`, `narrow(queryset, filters)` narrows the list.

    Used by the dashboard's drill-down: the businesses behind a number, counted by the app that
    counts them (the same query computes both).
    """
    _list_filters[key] = narrow


def apply_business_list_filters(qs: QuerySet[Business], filters: Mapping[str, Any]) -> QuerySet[Business]:
    for key, narrow in _list_filters.items():
        if filters.get(key):
            qs = narrow(qs, filters)
    return qs
