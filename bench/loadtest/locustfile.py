"""Load on the pages people hit most: the public progress page, the council's dashboard, the staff's
list, and owners registering themselves (issue 6).

Run by `make loadtest` (bench/loadtest/run.sh) against gunicorn on loopback with the demo data;
the demo accounts of `seed_demo` log in. At the end it prints requests per second, p50/p99 latency
and the error count, and exits non-zero on any error.
"""

from __future__ import annotations

import itertools
import os
import re
import time

from locust import HttpUser, between, events, task

DEMO_PASSWORD = "demo12345"  # noqa: S105 - seed_demo's published development password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _LoggedIn(HttpUser):
    abstract = True
    login = ""

    def on_start(self):
        page = self.client.get("/akun/masuk/", name="login form")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/akun/masuk/",
            {"username": self.login, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/akun/masuk/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.login} answered {response.status_code}")


class PublicVisitor(HttpUser):
    weight = 6
    wait_time = between(0.5, 2)

    @task
    def progress(self):
        self.client.get("/kemajuan/", name="/kemajuan/")


class CouncilMember(_LoggedIn):
    weight = 2
    wait_time = between(1, 3)
    login = "pemantau@demo.umkm.test"

    @task
    def dashboard(self):
        self.client.get("/dasbor/", name="/dasbor/ (Pemantau)")


class Staff(_LoggedIn):
    weight = 2
    wait_time = between(1, 3)
    login = "staf@demo.umkm.test"

    @task
    def business_list(self):
        self.client.get("/registri/usaha/", name="/registri/usaha/ (staf)")


# --- Self-registration posts (issue 6) -------------------------------------------------------
# Each task registers one new owner and business through the three steps, as a phone would. The
# successful ones (the last step redirects to /daftar/selesai/) are counted and written to
# LOADTEST_REGISTRATIONS_FILE; run.sh compares that with the rows the database gained.

# NIKs and phone numbers must be new on every run against the same database: a per-run salt.
_SALT = int(time.time()) % 9000 + 1000
_numbers = itertools.count(1)
registrations_ok = 0


def _token(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


def _unique_identity() -> tuple[str, str]:
    n = next(_numbers)
    # 6371 = Kota Banjarmasin, 01 = a kecamatan; the birth date (women: day + 40) varies with n.
    day, month, yy = 41 + n % 28, 1 + (n // 28) % 12, 60 + (n // 336) % 40
    nik = f"637101{day:02d}{month:02d}{yy:02d}{_SALT:04d}"
    phone = f"0857{_SALT:04d}{n % 10000:04d}"
    return nik, phone


class SelfRegistration(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def _post(self, url: str, data: dict, name: str):
        page = self.client.get(url, name=f"{name} (form)")
        data = {**data, "csrfmiddlewaretoken": _token(page.text), "website": ""}
        return self.client.post(
            url,
            data,
            headers={"Referer": f"{self.host}{url}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        )

    @task
    def register(self):
        global registrations_ok
        self.client.cookies.clear()  # a new visitor each time (the steps live in the session)
        nik, phone = _unique_identity()
        password = f"Sasirangan-{nik[-8:]}-Uji"
        with self._post(
            "/daftar/pemilik/",
            {
                "name": "Pemilik Uji Beban",
                "nik": nik,
                "phone": phone,
                "email": "",
                "password1": password,
                "password2": password,
            },
            "/daftar/pemilik/ POST",
        ) as response:
            if response.status_code != 302:
                response.failure(f"owner step answered {response.status_code}")
                return
        page = self.client.get("/daftar/usaha/", name="/daftar/usaha/ (form)")
        kelurahan = KELURAHAN.search(page.text)
        with self.client.post(
            "/daftar/usaha/",
            {
                "csrfmiddlewaretoken": _token(page.text),
                "website": "",
                "name": f"Usaha Uji Beban {nik[-8:]}",
                "kelurahan": kelurahan.group(1) if kelurahan else "",
                "address": "Jl. Uji Beban 1",
                "kbli_category": "C",
                "products": "Amplang",
                "start_year": "2020",
                "employees": "2",
                "annual_sales": "24.000.000",
                "capital": "",
                "nib": "",
            },
            headers={"Referer": f"{self.host}/daftar/usaha/"},
            name="/daftar/usaha/ POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"business step answered {response.status_code}")
                return
        with self._post("/daftar/persetujuan/", {"agree": "on"}, "/daftar/persetujuan/ POST") as response:
            if response.status_code == 302 and response.headers.get("Location", "").endswith(
                "/daftar/selesai/"
            ):
                registrations_ok += 1
            else:
                response.failure(f"consent step answered {response.status_code}")


KELURAHAN = re.compile(r'<option value="(\d[\d.]*)"')  # kelurahan codes: 63.71.01.1012


@events.quitting.add_listener
def _write_registrations(environment, **kwargs):
    target = os.environ.get("LOADTEST_REGISTRATIONS_FILE")
    if target:
        with open(target, "w") as out:
            out.write(str(registrations_ok))
    print(f"\nself-registrations that succeeded (redirect to /daftar/selesai/): {registrations_ok}")


@events.quitting.add_listener
def _report(environment, **kwargs):
    total = environment.stats.total
    print("\n== load test result")
    for entry in sorted(environment.stats.entries.values(), key=lambda e: e.name):
        print(
            f"{entry.name:28} {entry.num_requests:7d} req  {entry.total_rps:7.1f} req/s  "
            f"p50 {entry.get_response_time_percentile(0.5):6.0f} ms  "
            f"p99 {entry.get_response_time_percentile(0.99):6.0f} ms  errors {entry.num_failures}"
        )
    print(
        f"{'TOTAL':28} {total.num_requests:7d} req  {total.total_rps:7.1f} req/s  "
        f"p50 {total.get_response_time_percentile(0.5):6.0f} ms  "
        f"p99 {total.get_response_time_percentile(0.99):6.0f} ms  errors {total.num_failures}"
    )
    if total.num_failures or not total.num_requests:
        environment.process_exit_code = 1
