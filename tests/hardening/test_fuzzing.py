"""Property-based fuzzing of every public form and query string (hypothesis).

Random and adversarial text (very long, control characters, NUL, RTL marks, SQL and HTML
fragments) must never cause a 500, and an injected `<script>` marker must never come back raw.
Runs are bounded (max_examples) so the suite stays fast.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
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


# --- Issue 14: password reset by phone number, and the code form --------------------------------

phone_like = st.one_of(
    adversarial,
    st.builds(
        lambda prefix, digits: prefix + digits,
        st.sampled_from(["08", "628", "+628", "8"]),
        st.text("0123456789 .-", max_size=16),
    ),
)


@pytest.fixture
def _no_reset_limit(settings):
    # Fuzzing posts far more than one person would; the limits are proven in tests/accounts.
    settings.RESET_RATE_LIMIT = 100_000


@FUZZ
@given(phone=phone_like)
def test_the_password_reset_by_phone_survives_any_input(_no_reset_limit, phone):
    _assert_safe(Client().post("/akun/lupa-kata-sandi/", {"email": phone}))


@FUZZ
@given(
    identifier=phone_like,
    code=st.one_of(adversarial, st.text("0123456789", min_size=6, max_size=6)),
    password1=adversarial,
    password2=adversarial,
)
def test_the_reset_code_form_survives_any_input(_no_reset_limit, identifier, code, password1, password2):
    _assert_safe(
        Client().post(
            "/akun/lupa-kata-sandi/kode/",
            {"identifier": identifier, "code": code, "new_password1": password1, "new_password2": password2},
        )
    )


@pytest.fixture
def _unconfirmed_owner(db):
    from pembinaan.accounts import roles
    from tests.factories import UserFactory

    return UserFactory(role=roles.OWNER, email=None, phone="+6281277770001", phone_confirmed_at=None)


@FUZZ
@given(code=st.one_of(adversarial, st.text("0123456789", min_size=6, max_size=6)), action=adversarial)
def test_the_phone_confirmation_form_survives_any_input(_no_reset_limit, _unconfirmed_owner, code, action):
    client = Client()
    client.force_login(_unconfirmed_owner)
    _assert_safe(client.post("/akun/konfirmasi-hp/", {"code": code, "action": action}))
    _unconfirmed_owner.refresh_from_db()
    assert not _unconfirmed_owner.phone_confirmed  # no random input is the code


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


# --- Issue 6: the registration steps, the directory and the open activities -----------------


@pytest.fixture
def _no_rate_limit(settings):
    # Fuzzing posts far more than one person would; the per-IP limit is proven in tests/enrolment.
    settings.ENROLMENT_RATE_LIMIT = 100_000


registration_owner = st.fixed_dictionaries(
    {name: adversarial for name in ("name", "nik", "phone", "email", "password1", "password2")}
)
registration_business = st.fixed_dictionaries(
    {
        name: adversarial
        for name in (
            "name",
            "kelurahan",
            "address",
            "kbli_category",
            "products",
            "start_year",
            "employees",
            "annual_sales",
            "capital",
            "nib",
        )
    }
)


@FUZZ
@given(owner=registration_owner, business=registration_business, agree=adversarial)
def test_every_registration_step_survives_any_input_and_registers_nothing_bad(
    _no_rate_limit, owner, business, agree
):
    from pembinaan.registry.models import Business

    before = Business.objects.count()
    client = Client()
    _assert_safe(client.get("/daftar/"))
    _assert_safe(client.post("/daftar/pemilik/", owner))
    # Even when the first step was refused, the later steps must answer calmly (a redirect back).
    _assert_safe(client.post("/daftar/usaha/", business))
    _assert_safe(client.post("/daftar/persetujuan/", {"agree": agree}))
    # Random text never gets through the NIK check, so nothing may have been registered.
    assert Business.objects.count() == before


@FUZZ
@given(business=registration_business)
def test_the_business_step_survives_any_input_after_a_valid_owner_step(_no_rate_limit, business):
    from tests.enrolment.helpers import owner_data

    client = Client()
    assert client.post("/daftar/pemilik/", owner_data()).status_code == 302
    _assert_safe(client.post("/daftar/usaha/", business))
    _assert_safe(client.get("/daftar/persetujuan/"))


directory_params = st.dictionaries(
    st.sampled_from(["nama", "produk", "kelurahan", "halaman", "page", "x"]), adversarial, max_size=4
)


@FUZZ
@given(params=directory_params)
def test_the_directory_search_and_the_open_activities_survive_any_query_string(params):
    client = Client()
    _assert_safe(client.get("/direktori/", params))
    _assert_safe(client.get("/daftar/kegiatan/", params))


@FUZZ
@given(business=adversarial, activity=st.integers(-(2**63), 2**63))
@example(business="9" * 4301, activity=0)  # found by this test: int() refuses over 4,300 digits
@example(business="9" * 19, activity=0)  # beyond a bigint
def test_an_owners_activity_sign_up_survives_any_input(owner_client, business, activity):
    if activity < 0:
        url = f"/daftar/kegiatan/{quote(str(activity))}/ikut/"
    else:
        url = f"/daftar/kegiatan/{activity}/ikut/"
    _assert_safe(owner_client.post(url, {"business": business}))


# --- Issue 7: the import parser and the upload view -----------------------------------------

file_bytes = st.one_of(
    st.binary(max_size=2048),
    st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=512)),  # looks like a zip/xlsx
    st.builds(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b, st.binary(max_size=512)),  # OLE (.xls)
    st.builds(
        lambda cells, sep: "\n".join(sep.join(row) for row in cells).encode("utf-8"),
        st.lists(st.lists(adversarial, max_size=6), max_size=8),
        st.sampled_from([",", ";", "\t", "|"]),
    ),
)
file_names = st.one_of(
    st.sampled_from(["data.xlsx", "data.xls", "data.csv", "DATA.CSV", "data.xlsm", "data", ".csv"]),
    st.builds(lambda s, ext: s + ext, adversarial, st.sampled_from([".xlsx", ".csv", ".xls", ""])),
)


@FUZZ
@given(data=file_bytes, name=file_names)
def test_the_import_parser_refuses_bad_files_only_with_its_own_clear_error(data, name):
    from django.core.exceptions import ValidationError

    from pembinaan.imports.columns import find_header_row, guess_mapping
    from pembinaan.imports.reading import read_table
    from pembinaan.imports.services import columns_for

    try:
        table = read_table(data, name)
    except ValidationError as exc:
        # A refusal says why, in words a staff member can act on.
        assert exc.messages and all(m.strip() for m in exc.messages)
        return
    assert all(isinstance(cell, str) for row in table.rows for cell in row)
    columns = columns_for("usaha")
    header = find_header_row(table.rows, columns)
    if header is not None:
        assert len(guess_mapping(table.rows[header], columns)) == len(table.rows[header])


@FUZZ
@given(
    header=st.lists(adversarial, max_size=12), rows=st.lists(st.lists(adversarial, max_size=12), max_size=5)
)
def test_the_header_mapping_copes_with_any_header_text(header, rows):
    from pembinaan.imports.columns import find_header_row, guess_mapping, missing_required
    from pembinaan.imports.services import columns_for

    for kind in ("usaha", "peserta", "capaian", "pagu"):
        columns = columns_for(kind)
        mapping = guess_mapping(header, columns)
        assert len(mapping) == len(header)
        assert len([m for m in mapping if m]) == len({m for m in mapping if m}), "a column mapped twice"
        missing_required(mapping, columns)
        index = find_header_row([header, *rows], columns)
        assert index is None or 0 <= index <= len(rows)


@FUZZ
@given(data=file_bytes, name=file_names, kind=st.sampled_from(["usaha", "peserta", "capaian", "pagu", "x"]))
def test_the_upload_view_never_answers_500(staff_client, data, name, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff_client.post(
        "/impor/", {"kind": kind, "file": SimpleUploadedFile(name[:200] or "x.csv", data)}
    )
    _assert_safe(response)
    if response.status_code == 302:
        # Accepted for mapping: the run's own page must open too.
        _assert_safe(staff_client.get(response["Location"]))
