"""Property-based fuzzing of every public form and query string (hypothesis).

Random and adversarial text (very long, control characters, NUL, RTL marks, SQL and HTML
fragments) must never cause a 500, and an injected `<script>` marker must never come back raw.
Runs are bounded (max_examples) so the suite stays fast.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

MARKER = "<script>alert('umkm8')</script>"
FRAGMENTS = [
    MARKER,
    "' OR '1'='1",
    "1; DROP TABLE registry_business; --",
    '" onmouseover="alert(1)',
    "</textarea><svg onload=alert(1)>",
    "{{ 7*7 }}{% debug %}",
    "\u202egnp.exe",
    "\u200f\u200e\u2066",
    "\x00",
    "\r\n\t\x0b\x1b[31m",
    "%00%2e%2e%2f",
    "../../etc/passwd",
    "６３７１０１１５０６８５０００１",  # full-width digits
    "6.371E+15",
    "-1",
    "99999999999999999999999",
    "2024-13-45",
    "😀" * 20,
]

adversarial = st.one_of(
    st.text(max_size=60),
    st.sampled_from(FRAGMENTS),
    st.builds(lambda a, b: a + MARKER + b, st.text(max_size=20), st.sampled_from(FRAGMENTS)),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["A", "9", "<", "\u202e", "'"]), st.integers(1000, 5000)),
)
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REFUSALS = {200, 301, 302, 400, 403, 404, 405, 429}


def _assert_safe(response) -> None:
    assert response.status_code in REFUSALS, response.status_code
    if "text/html" in response.get("Content-Type", ""):
        assert MARKER not in response.content.decode("utf-8", "replace")


@FUZZ
@given(username=adversarial, password=adversarial)
def test_the_login_form_survives_any_input(username, password):
    _assert_safe(Client().post("/akun/masuk/", {"username": username, "password": password}))


@FUZZ
@given(email=adversarial)
def test_the_password_reset_form_survives_any_input(email):
    _assert_safe(Client().post("/akun/lupa-kata-sandi/", {"email": email}))


@FUZZ
@given(uid=adversarial, token=adversarial)
def test_the_password_reset_link_survives_any_input(uid, token):
    _assert_safe(
        Client().get(f"/akun/atur-ulang/{quote(uid, safe='') or 'x'}/{quote(token, safe='') or 'x'}/")
    )


query_params = st.dictionaries(
    st.sampled_from(["target", "tahun", "kecamatan", "jenis", "sumber", "peta", "page", "q", "sort", "x"]),
    adversarial,
    max_size=5,
)


@FUZZ
@given(params=query_params)
def test_the_public_progress_page_and_the_open_data_survive_any_query_string(params):
    client = Client()
    _assert_safe(client.get("/kemajuan/", params))
    _assert_safe(client.get("/api/v1/progress/", params))
    _assert_safe(client.get("/api/v1/progress/kecamatan.csv", params))
    _assert_safe(client.get("/", params))


@FUZZ
@given(params=query_params)
def test_the_dashboard_and_report_filters_survive_any_query_string(viewer_client, params):
    _assert_safe(viewer_client.get("/dasbor/", params))
    _assert_safe(viewer_client.get("/dasbor/laporan/", params))


@FUZZ
@given(params=query_params)
def test_the_staff_search_and_filters_survive_any_query_string(staff_client, params):
    _assert_safe(staff_client.get("/registri/usaha/", params))
    _assert_safe(staff_client.get("/pembinaan/kegiatan/", params))


@FUZZ
@given(language=adversarial, next_url=adversarial)
def test_the_language_switch_survives_any_input_and_never_redirects_away(language, next_url):
    response = Client().post("/i18n/setlang/", {"language": language, "next": next_url})
    _assert_safe(response)
    if response.status_code == 302:
        location = urlsplit(response["Location"])
        assert not location.netloc and not location.scheme, response["Location"]
