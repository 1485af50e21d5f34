"""`{% correction_reason_field form %}`: the reason box, on a form a closed year refused."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def correction_reason_field(context, form) -> str:
    """Shown only after the service refused the change for want of a reason (code "closed_year"),
    so the person can give it and save again on the same screen."""
    errors = form.errors.as_data() if form is not None and form.is_bound else {}
    refused = any(e.code == "closed_year" for field_errors in errors.values() for e in field_errors)
    if not refused:
        return ""
    request = context.get("request")
    return render_to_string(
        "progress/_correction_reason_field.html",
        {"value": request.POST.get("alasan_koreksi", "") if request else ""},
    )
