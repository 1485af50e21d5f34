"""English is the portal's second language: the switch works and every interface string has a translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from pembinaan.lib.identifiers import parse_nik, parse_phone
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

PO_FILE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"

HOW_TO_FIX = (
    "Run `make messages` (without that Makefile target: .venv/bin/python manage.py makemessages "
    "-l en --ignore=.venv --ignore=staticfiles --ignore=static), write the English msgstr of each entry above in "
    "locale/en/LC_MESSAGES/django.po (remove any '#, fuzzy' flag once the text is right), then "
    ".venv/bin/python manage.py compilemessages -l en --ignore=.venv and commit both django.po and "
    "django.mo."
)


@pytest.fixture(autouse=True)
def _restore_the_active_language():
    # A request in English leaves English active in this thread (LocaleMiddleware does not reset
    # it); later tests that call gettext outside a request must see the default language again.
    yield
    translation.deactivate()


def _switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def _page(client, url_name: str) -> str:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


def _assert_english(body: str, *, english: list[str], indonesian: list[str]) -> None:
    assert 'lang="en"' in body
    for text in english:
        assert text in body, f"expected English text {text!r} on the page"
    for text in indonesian:
        assert text not in body, f"Indonesian text {text!r} is still on the English page"


def test_after_switching_to_english_the_landing_page_is_in_english(anon_client):
    body = _page(_switch_to_english(anon_client), "front:landing")
    _assert_english(
        body,
        english=[
            "Log in",
            "For business owners",
            "For agency staff",
            "3,100 MSMEs coached",
            "Skip to content",
        ],
        indonesian=[
            "Masuk",
            "Untuk pelaku usaha",
            "Untuk staf dinas",
            "3.100 UMKM terbina",
            "Langsung ke isi",
        ],
    )


def test_after_switching_to_english_the_login_page_is_in_english(anon_client):
    body = _page(_switch_to_english(anon_client), "accounts:login")
    _assert_english(
        body,
        english=["Log in", "Email or mobile number", "Forgot your password?"],
        indonesian=["Masuk", "Email atau nomor HP", "Lupa kata sandi?"],
    )


def test_a_wrong_password_is_explained_in_english_after_the_switch(anon_client, staff_user):
    client = _switch_to_english(anon_client)
    response = client.post(reverse("accounts:login"), {"username": "staf@dinas.test", "password": "salah"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Wrong email/mobile number or password." in body
    assert "kata sandi salah" not in body


def test_after_switching_to_english_the_staff_business_list_is_in_english(staff_client):
    BusinessFactory(annual_sales=120_000_000)
    body = _page(_switch_to_english(staff_client), "registry:business-list")
    _assert_english(
        body,
        english=["Business registry", "Add business", "Business name", "1 business", "Verified", "Micro"],
        # Not "Mikro": the agency name in the footer (settings.PORTAL_AGENCY) contains "Usaha Mikro".
        indonesian=["Registri usaha", "Tambah usaha", "Nama usaha", "Terverifikasi", "Terapkan"],
    )


def test_the_business_count_uses_the_english_plural(staff_client):
    BusinessFactory.create_batch(2)
    body = _page(_switch_to_english(staff_client), "registry:business-list")
    assert "2 businesses" in body


def test_identifier_errors_come_out_in_english_with_their_numbers_filled_in():
    with translation.override("en"):
        with pytest.raises(ValidationError) as nik_error:
            parse_nik("123")
        with pytest.raises(ValidationError) as phone_error:
            parse_phone("+1 555 0100")
        assert nik_error.value.messages == ["NIK must have 16 digits (3 digits entered)."]
        assert phone_error.value.messages == ["Only Indonesian mobile numbers (+62) are accepted."]


def test_identifier_errors_stay_indonesian_by_default():
    with pytest.raises(ValidationError) as error:
        parse_nik("123")
    assert error.value.messages == ["NIK harus 16 digit (yang diisi 3 digit)."]


def test_a_form_error_from_the_identifier_rules_is_shown_in_english(staff_client):
    client = _switch_to_english(staff_client)
    response = client.post(reverse("registry:business-create"), {"mode": "baru", "owner-nik": "123"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "NIK must have 16 digits (3 digits entered)." in body
    assert "NIK harus 16 digit" not in body


# --- The translation file itself --------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """Entries of a .po file as {"flags", "msgid", "msgid_plural", "msgstr": [...]}; obsolete ones skipped."""

    def unquote(text: str) -> str:
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])

    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = {"flags": set(), "msgid": None, "msgid_plural": None, "msgstr": {}}
        key = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line:
                continue
            elif match := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line):
                key, value = match.group(1), unquote(match.group(2))
                if key.startswith("msgstr"):
                    entry["msgstr"][key] = value
                elif key != "msgctxt":
                    entry[key] = value
            elif line.startswith('"') and key:
                if key.startswith("msgstr"):
                    entry["msgstr"][key] += unquote(line)
                elif key != "msgctxt":
                    entry[key] += unquote(line)
        if entry["msgid"] is not None:
            entries.append(entry)
    return entries


def test_the_english_translation_file_exists_and_has_a_clean_header():
    assert PO_FILE.exists(), f"{PO_FILE} is missing. {HOW_TO_FIX}"
    header = next(entry for entry in _po_entries(PO_FILE) if entry["msgid"] == "")
    assert "fuzzy" not in header["flags"], f"The header of {PO_FILE} is marked fuzzy. {HOW_TO_FIX}"
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]["msgstr"]


def test_every_interface_string_has_an_english_translation():
    entries = [entry for entry in _po_entries(PO_FILE) if entry["msgid"] != ""]
    assert len(entries) > 100, "The .po file looks truncated."
    untranslated = [e["msgid"] for e in entries if not all(text.strip() for text in e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    problems = [f"  untranslated: {msgid!r}" for msgid in untranslated]
    problems += [f"  fuzzy (needs checking): {msgid!r}" for msgid in fuzzy]
    assert not problems, (
        f"{len(problems)} entries of {PO_FILE.relative_to(settings.BASE_DIR)} have no finished "
        "English translation:\n" + "\n".join(problems) + "\n" + HOW_TO_FIX
    )


def test_every_english_translation_keeps_the_placeholders_of_its_source():
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
    mismatched = []
    for entry in _po_entries(PO_FILE):
        if entry["msgid"] == "":
            continue
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if entry["msgid_plural"] else [])
        expected = sorted(set(placeholder.findall(" ".join(sources))))
        for key, text in entry["msgstr"].items():
            if text and sorted(set(placeholder.findall(text))) != expected:
                mismatched.append(f"  {entry['msgid']!r} → {key} {text!r} (expected {expected})")
    assert not mismatched, "Placeholders differ between source and translation:\n" + "\n".join(mismatched)
