"""Load on the pages people hit most: the public progress page, the council's dashboard, the staff's list.

Run by `make loadtest` (bench/loadtest/run.sh) against gunicorn on loopback with the demo data;
the demo accounts of `seed_demo` log in. At the end it prints requests per second, p50/p99 latency
and the error count, and exits non-zero on any error.
"""

from __future__ import annotations

import re

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


# --- HOOK: self-registration posts (issue 6) ---------------------------------------------------
# Add a `SelfRegistration(HttpUser)` here that GETs the registration form, POSTs a new owner and
# business with a unique NIK/phone per request, and counts its 302s; run.sh then compares that
# count with the new `diajukan` businesses in the database (zero lost registrations).


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
