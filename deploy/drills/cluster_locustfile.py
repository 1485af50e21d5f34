"""The cluster drill's load (deploy/drills/cluster_drill.py runs it headless through nginx).

The mix: public pages, staff and council pages behind a login, owners registering themselves through
the three /daftar/ steps, and one staff member exporting the whole business list, which is long
enough to become a background job: the export is polled until the job is done and its file is
downloaded and counted.

Every virtual user connects from its own loopback address (127.<block>.x.y; Linux routes all of
127.0.0.0/8 to the loopback interface) and every registration from a fresh one, as owners on their
own phones would. So the production limits per client address stay as they are, and the drill also
shows that the portal sees each client's own address behind nginx.

Bookkeeping for the drill, written as JSON to DRILL_RESULT_FILE when locust stops:
- registrations: the business name of every registration whose last step was sent ("attempted")
  and of every one answered with the redirect to /daftar/selesai/ ("acknowledged");
- exports: each export job seen through to a downloaded file, with its row count;
- failures: every failed request, with its method, name and error;
- stats: requests, failures and p50/p95/max per request name.
Environment: DRILL_RESULT_FILE, DRILL_CA_FILE (nginx's certificate), DRILL_ADDRESS_BLOCK (the second octet), DRILL_RUN (a number that
makes this run's NIKs and phone numbers new), DRILL_EXPORT_MIN_ROWS (the fewest rows an export must
have), DRILL_EXPORT_TIMEOUT (seconds an export may take).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task
from locust.clients import LocustHttpAdapter
from requests.adapters import HTTPAdapter

DEMO_PASSWORD = "demo12345"  # noqa: S105 - seed_demo's published development password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KELURAHAN = re.compile(r'<option value="(\d[\d.]*)"')  # kelurahan codes: 63.71.01.1012
RUN = int(os.environ.get("DRILL_RUN", "1")) % 10000
BLOCK = int(os.environ.get("DRILL_ADDRESS_BLOCK", "10"))
EXPORT_MIN_ROWS = int(os.environ.get("DRILL_EXPORT_MIN_ROWS", "1"))
EXPORT_TIMEOUT = float(os.environ.get("DRILL_EXPORT_TIMEOUT", "120"))

_addresses = itertools.count(1)
_numbers = itertools.count(1)
attempted: list[str] = []
acknowledged: list[str] = []
exports: list[dict] = []
failures: list[dict] = []


def _next_address() -> str:
    n = next(_addresses)
    return f"127.{BLOCK}.{n // 250 % 250}.{n % 250 + 1}"


class _FromAddress(LocustHttpAdapter):
    """Locust's adapter with connections made from one source address."""

    def __init__(self, address: str):
        self.source_address = (address, 0)
        super().__init__(pool_manager=None)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        HTTPAdapter.init_poolmanager(
            self, connections, maxsize, block, source_address=self.source_address, **pool_kwargs
        )


def _token(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


class _Visitor(HttpUser):
    abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # nginx's certificate is the drill's own, made for 127.0.0.1.
        self.client.verify = os.environ.get("DRILL_CA_FILE", True)

    def move_to(self, address: str) -> None:
        self.address = address
        self.client.mount("https://", _FromAddress(address))
        self.client.mount("http://", _FromAddress(address))

    def on_start(self):
        self.move_to(_next_address())


class _LoggedIn(_Visitor):
    abstract = True
    login = ""

    def on_start(self):
        super().on_start()
        page = self.client.get("/akun/masuk/", name="login form")
        with self.client.post(
            "/akun/masuk/",
            {"username": self.login, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": _token(page.text)},
            headers={"Referer": f"{self.host}/akun/masuk/"},
            name="login POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.login} answered {response.status_code}")


class PublicVisitor(_Visitor):
    weight = 5
    wait_time = between(0.5, 2)

    @task(3)
    def progress(self):
        self.client.get("/kemajuan/", name="/kemajuan/")

    @task(1)
    def progress_api(self):
        self.client.get("/api/v1/progress/", name="/api/v1/progress/")

    @task(1)
    def landing(self):
        self.client.get("/", name="/")


class CouncilMember(_LoggedIn):
    weight = 1
    wait_time = between(1, 3)
    login = "pemantau@demo.umkm.test"

    @task
    def dashboard(self):
        self.client.get("/dasbor/", name="/dasbor/ (Pemantau)")


class Staff(_LoggedIn):
    weight = 2
    wait_time = between(1, 3)
    login = "staf@demo.umkm.test"

    @task(2)
    def business_list(self):
        self.client.get("/registri/usaha/", name="/registri/usaha/ (staf)")

    @task(1)
    def business_list_page(self):
        self.client.get(
            f"/registri/usaha/?page={random.randint(2, 20)}", name="/registri/usaha/?page= (staf)"
        )


class Exporter(_LoggedIn):
    """One staff member exporting the whole business list again and again: a background job each time."""

    fixed_count = 1
    wait_time = between(1, 2)
    login = "admin@demo.umkm.test"

    @task
    def export_business_list(self):
        with self.client.get(
            "/registri/usaha/ekspor.csv", name="export request", allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            job = re.search(r"/pekerjaan/(\d+)/$", location)
            if response.status_code != 302 or not job:
                response.failure(f"export answered {response.status_code} {location!r}, not a job")
                return
        pk = int(job.group(1))
        started = time.monotonic()
        while True:
            with self.client.get(f"/pekerjaan/{pk}/", name="job page (poll)", catch_response=True) as page:
                if f"/pekerjaan/{pk}/unduh/" in page.text:
                    break
                if "alert-danger" in page.text:
                    page.failure(f"export job {pk} failed")
                    return
            if time.monotonic() - started > EXPORT_TIMEOUT:
                failures.append(
                    {
                        "method": "GET",
                        "name": "job page (poll)",
                        "error": f"job {pk} not done",
                        "t": time.time(),
                    }
                )
                return
            if self.environment.runner is not None and self.environment.runner.state in (
                "stopping",
                "stopped",
            ):
                return  # the run is over; the drill checks in the database that the job finishes
            time.sleep(1)
        with self.client.get(f"/pekerjaan/{pk}/unduh/", name="job download", catch_response=True) as file:
            rows = sum(1 for _ in csv.reader(io.StringIO(file.content.decode("utf-8-sig")))) - 1
            if file.status_code == 200 and rows < EXPORT_MIN_ROWS:
                file.failure(f"export job {pk} has {rows} rows, fewer than {EXPORT_MIN_ROWS}")
                return
        exports.append(
            {
                "job": pk,
                "rows": rows,
                "bytes": len(file.content),
                "seconds": round(time.monotonic() - started, 1),
            }
        )


# --- Self-registration -------------------------------------------------------------------------


def _unique_identity() -> tuple[str, str, str]:
    """A NIK, a phone number and a business name that no other registration of the drill uses.

    The birth date in the NIK (a woman's: day + 40) comes from the run, the last four digits and the
    year from the registration's number, so two runs or two registrations never share one.
    """
    n = next(_numbers)
    day, month, yy = 41 + RUN % 28, 1 + (RUN // 28) % 12, 60 + (n // 10000) % 40
    # 6371 = Kota Banjarmasin, 01 = a kecamatan.
    nik = f"637101{day:02d}{month:02d}{yy:02d}{n % 10000:04d}"
    phone = f"0857{RUN % 100:02d}{n % 1000000:06d}"
    return nik, phone, f"Usaha Latihan Klaster {RUN}-{n}"


class SelfRegistration(_Visitor):
    weight = 2
    wait_time = between(1, 3)

    def _post(self, url: str, data: dict, name: str):
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
        # A new person on a new phone: no cookies, a new address (the per-address limits stay on).
        self.client.cookies.clear()
        self.move_to(_next_address())
        nik, phone, business = _unique_identity()
        password = f"Sasirangan-{nik[-6:]}-Latihan"
        page = self.client.get("/daftar/pemilik/", name="/daftar/pemilik/ (form)")
        owner = {
            "csrfmiddlewaretoken": _token(page.text),
            "website": "",
            "name": "Pemilik Latihan Klaster",
            "nik": nik,
            "phone": phone,
            "email": "",
            "password1": password,
            "password2": password,
        }
        with self._post("/daftar/pemilik/", owner, "/daftar/pemilik/ POST") as response:
            if response.status_code != 302:
                response.failure(f"owner step answered {response.status_code}")
                return
        page = self.client.get("/daftar/usaha/", name="/daftar/usaha/ (form)")
        kelurahan = KELURAHAN.search(page.text)
        data = {
            "csrfmiddlewaretoken": _token(page.text),
            "website": "",
            "name": business,
            "kelurahan": kelurahan.group(1) if kelurahan else "",
            "address": "Jl. Latihan Klaster 1",
            "kbli_category": "C",
            "products": "Amplang",
            "start_year": "2020",
            "employees": "2",
            "annual_sales": "24.000.000",
            "capital": "",
            "nib": "",
        }
        with self._post("/daftar/usaha/", data, "/daftar/usaha/ POST") as response:
            if response.status_code != 302:
                response.failure(f"business step answered {response.status_code}")
                return
        page = self.client.get("/daftar/persetujuan/", name="/daftar/persetujuan/ (form)")
        consent = {"csrfmiddlewaretoken": _token(page.text), "website": "", "agree": "on"}
        attempted.append(business)
        with self._post("/daftar/persetujuan/", consent, "/daftar/persetujuan/ POST") as response:
            if response.status_code == 302 and response.headers.get("Location", "").endswith(
                "/daftar/selesai/"
            ):
                acknowledged.append(business)
            else:
                response.failure(f"consent step answered {response.status_code}")


# --- What the drill reads ----------------------------------------------------------------------


@events.request.add_listener
def _record_failure(request_type, name, response, exception, **kwargs):
    if exception is not None:
        status = getattr(response, "status_code", None)
        failures.append(
            {
                "method": request_type,
                "name": name,
                "status": status,
                "error": str(exception)[:200],
                "t": time.time(),
            }
        )


@events.quitting.add_listener
def _write_result(environment, **kwargs):
    stats = {}
    for entry in environment.stats.entries.values():
        stats[entry.name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": round(entry.max_response_time or 0),
        }
    total = environment.stats.total
    result = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.total_rps, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "max_ms": round(total.max_response_time or 0),
        "stats": stats,
        "registrations": {"attempted": attempted, "acknowledged": acknowledged},
        "exports": exports,
        "failure_list": failures[:200],
    }
    target = os.environ.get("DRILL_RESULT_FILE")
    if target:
        with open(target, "w") as out:
            json.dump(result, out)
