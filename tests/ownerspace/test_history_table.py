"""The change history on the owner's business page scrolls inside its own box on a phone (issue 14)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pembinaan.registry import services as registry

pytestmark = pytest.mark.django_db


def test_the_change_history_table_scrolls_in_a_keyboard_focusable_region(owner_client, owner_user, mine):
    registry.business_update(business=mine, by=owner_user, products="amplang ikan pipih, kerupuk haruan")

    body = owner_client.get(reverse("ownerspace:business-detail", args=[mine.pk])).content.decode()

    box = re.search(r'<div class="table-responsive[^"]*"[^>]*>\s*<table class="table table-sm[^"]*">', body)
    assert box, "the history table is not inside a scrolling box"
    assert 'tabindex="0"' in box.group(0)
    assert 'role="region"' in box.group(0)
    assert 'aria-labelledby="judul-riwayat"' in box.group(0)
    assert 'id="judul-riwayat"' in body
    assert "amplang ikan pipih, kerupuk haruan" in body
