/* NIK and NIB checks on the device, mirroring pembinaan/lib/identifiers.py (docs/rules.md rules 3
   and 4): same order of checks, same codes. tests/coaching/test_offline_identifiers.py runs both
   over the same cases. Returns {ok: true, value} or {ok: false, code, params}. */
(function (root) {
  "use strict";
  const PROVINCES = new Set(
    [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
      61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96].map(String)
  );
  const EXCEL = /^\d+([.,]\d*)?[eE][+-]?\d+$|^\d+[.,]0+$/;
  const DIGITS = /^[0-9]+$/;

  function compact(value) {
    return value === null || value === undefined ? "" : String(value).trim();
  }

  function fail(code, params) {
    return { ok: false, code: code, params: params || {} };
  }

  function validDate(year, month, day) {
    if (month < 1 || month > 12 || day < 1) return false;
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }

  function birthYear(yy, day, month, today) {
    // The latest century that does not put the birth in the future (as _birth_year does).
    let year = 2000 + yy;
    if (!validDate(year, month, day)) return year - 100;
    const birth = Date.UTC(year, month - 1, day);
    const now = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
    if (birth > now) year -= 100;
    return year;
  }

  function parseNik(value, today) {
    const text = compact(value);
    if (!text) return fail("required");
    if (EXCEL.test(text.replace(/ /g, ""))) return fail("excel_number", { label: "NIK" });
    const nik = text.replace(/\s/g, "");
    if (!DIGITS.test(nik)) return fail("nik_digits");
    if (nik.length !== 16) return fail("nik_length", { count: nik.length });
    if (!PROVINCES.has(nik.slice(0, 2))) return fail("nik_province", { code: nik.slice(0, 2) });
    if (nik.slice(2, 4) === "00" || nik.slice(4, 6) === "00") return fail("nik_region");
    let day = Number(nik.slice(6, 8));
    const month = Number(nik.slice(8, 10));
    const yy = Number(nik.slice(10, 12));
    let gender = "L";
    if (day > 40) {
      day -= 40;
      gender = "P";
    }
    const year = birthYear(yy, day, month, today || new Date());
    if (!validDate(year, month, day)) return fail("nik_birth_date", { part: nik.slice(6, 12) });
    if (nik.slice(12) === "0000") return fail("nik_serial");
    return { ok: true, value: nik, gender: gender };
  }

  function parseNib(value) {
    const text = compact(value);
    if (EXCEL.test(text.replace(/ /g, ""))) return fail("excel_number", { label: "NIB" });
    const nib = text.replace(/[\s.\-]/g, "");
    if (!DIGITS.test(nib)) return fail("digits", { label: "NIB" });
    if (nib.length !== 13) return fail("nib_length", { count: nib.length });
    return { ok: true, value: nib };
  }

  /* A message of the server's catalogue, with its %(name)s / %(name)d placeholders filled. */
  function message(messages, result) {
    const template = messages[result.code] || result.code;
    return template.replace(/%\((\w+)\)[sd]/g, (_, name) => String(result.params[name] ?? ""));
  }

  const api = { parseNik: parseNik, parseNib: parseNib, message: message };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.PortalIdentifiers = api;
})(typeof self !== "undefined" ? self : this);
