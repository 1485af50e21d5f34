"""What every ModelAdmin that writes through the services shares (issue 17: the admin included).

An admin's `save_model` calls the app's service instead of `obj.save()`, so the rules, the status
timeline, the required reasons and the dashboard's maintained figures hold for /admin/ as for the
staff screens. A service refuses with ValidationError; here that becomes the admin's error message
and the whole change is rolled back (the admin's change view runs in one transaction).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _


class ServiceWriteMixin:
    """Put before the ModelAdmin class: a refusal of the service is shown, nothing is saved."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def revert_disabled(self, request, obj=None):
        # Reverting to an old version would write its values past the services: old versions
        # stay readable in the history, changes go through the form (or the staff screens).
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            self.message_user(
                request, _("Versi lama hanya dapat dilihat, tidak dikembalikan."), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().history_form_view(request, object_id, version_id, extra_context)


def changed(form, names) -> dict:
    """The form's cleaned values of the fields among `names` that the user changed."""
    return {
        name: form.cleaned_data[name]
        for name in names
        if name in form.changed_data and name in form.cleaned_data
    }


def staff_link(names: tuple[str, ...], pk, text) -> str:
    """A link to the staff screen that owns a write (the first URL name that exists)."""
    for name in names:
        try:
            return format_html('<a href="{}">{}</a>', reverse(name, args=[pk]), text)
        except NoReverseMatch:
            continue
    return ""
