"""`make cluster-test`: the portal as a city would run it on two app servers, tried under load and faults.

What runs (all on 127.0.0.1, all started here and all stopped at the end, whatever happens):
- nginx (Debian's package; installed with apt-get when missing), unprivileged, in the foreground,
  with its prefix, TLS certificate and logs in a temporary folder, passing requests on through the
  production site's own proxy snippet (deploy/drills/cluster_nginx.conf.template says what differs),
  in front of
- two gunicorn instances (deploy/gunicorn.conf.py, two workers each) of the portal in production
  mode (a generated SECRET_KEY, DEBUG off, ALLOWED_HOSTS=127.0.0.1, one trusted proxy), on
- one PostgreSQL database made afresh for each run (`cluster_drill`) and one Redis (database 4 on
  127.0.0.1:6379, or a private redis-server when none answers there), with
- one task worker (`manage.py worker`, the database task engine), and the demo data (`seed_demo`).

What it checks, in this order, printing the figures of each:
1. the login limit per client address holds across both instances: LOGIN_RATE_LIMIT + 10 login posts
   from one address, spread by nginx over both instances and each claiming another address in
   X-Forwarded-For, get exactly LIMIT answers and then 429; /admin/login/ then answers 429 too;
   another address still logs in;
2. load through nginx (deploy/drills/cluster_locustfile.py: public pages, staff and council pages,
   self-registrations through the three steps, and a whole-list export that runs as a background job
   and is downloaded): no errors, and the registrations locust saw acknowledged are exactly the ones
   the database gained; every export job finishes and its file has all its rows;
3. faults under the same load: the worker is killed (SIGKILL) while it writes an export and another
   worker takes the job over; then one gunicorn instance is killed (SIGKILL, master and workers):
   no page request fails (nginx sends it to the other instance), a post that was in flight at that
   instance may fail with 502 (counted and shown), no acknowledged registration is missing and
   no job is lost;
4. slow clients: a few dozen connections that trickle their headers or bodies, or say nothing, for
   a while, and meanwhile a normal visitor's page loads, each within a second.

Usage: `python deploy/drills/cluster_drill.py [--short] [--keep] [--env NAME=VALUE]… [--nginx-template
PATH]`; exits 1 when any check fails. --short is the variant `.ci/run` runs (shorter phases, a smaller
registry); --env and --nginx-template change a setting or the nginx configuration for one run, to see
which check a change breaks. Environment: CLUSTER_DRILL_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/cluster_drill; dropped and created again at the start) and
CLUSTER_DRILL_REDIS_URL (redis://127.0.0.1:6379/4; flushed at the start).
"""

# The drill starts fixed programs (gunicorn, nginx, openssl, apt-get, locust) with arguments it makes.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime
import http.client
import http.cookies
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LOCUST_VENV = ROOT / ".venv-loadtest"
LOCUST_REQUIREMENTS = ROOT / "bench" / "loadtest" / "requirements.txt"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cluster_drill"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
DEMO_PASSWORD = "demo12345"  # noqa: S105 - seed_demo's published development password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
JOB_URL = re.compile(r"/pekerjaan/(\d+)/$")
GUNICORN_WORKERS = 2  # per instance: this drill's machines have two cores
# Loopback addresses of the drill's own clients (locust uses 127.<block>.x.y, see its file).
LOGIN_PROBE_ADDRESS = "127.0.0.2"
OTHER_ADDRESS = "127.0.0.3"
ADMIN_ADDRESS = "127.0.0.4"
VISITOR_ADDRESS = "127.0.0.8"
SLOW_ADDRESS = "127.0.0.9"


@dataclass(frozen=True)
class Profile:
    load_seconds: int
    fault_seconds: int
    slow_seconds: int
    slow_connections: int
    users: int
    businesses: int


FULL = Profile(
    load_seconds=60, fault_seconds=30, slow_seconds=30, slow_connections=40, users=16, businesses=12000
)
SHORT = Profile(
    load_seconds=20, fault_seconds=16, slow_seconds=10, slow_connections=30, users=10, businesses=6000
)


# --- Output -------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, ok, detail))
        print(f"  [{'ok' if ok else 'FAIL'}] {name}: {detail}", flush=True)
        return ok

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def say(text: str) -> None:
    print(text, flush=True)


def step(text: str) -> None:
    say(f"\n== {text}")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# --- Machine preparation ------------------------------------------------------------------------


def sudo() -> list[str]:
    return [] if os.geteuid() == 0 else ["sudo"]


def apt_install(*packages: str) -> None:
    say(f"installing {' '.join(packages)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo(), "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo(), "apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        # Installing it must not start Debian's own nginx on port 80: policy-rc.d refuses service
        # starts on machines without an init system, and on others the service is stopped again.
        apt_install("nginx")
        found = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run([*sudo(), "systemctl", "disable", "--now", "nginx"], capture_output=True, check=False)
    return found


def ensure_tools() -> None:
    packages = {"openssl": "openssl", "setpriv": "util-linux"}
    missing = [package for tool, package in packages.items() if shutil.which(tool) is None]
    if missing:
        apt_install(*missing)
    if not PY.exists():
        sys.exit("The portal's virtual environment is missing: run `make install` first.")
    locust = LOCUST_VENV / "bin" / "locust"
    if not locust.exists() or LOCUST_REQUIREMENTS.stat().st_mtime > locust.stat().st_mtime:
        # locust and gevent stay out of the portal's own environment (as in `make loadtest`).
        say("installing locust into .venv-loadtest")
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run(
            [str(LOCUST_VENV / "bin" / "pip"), "install", "--quiet", "-r", str(LOCUST_REQUIREMENTS)],
            check=True,
        )
        locust.touch()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_prepare(url: str) -> None:
    """Drop and create the drill's database; start the local PostgreSQL cluster if it is down."""
    import psycopg2

    parsed = urllib.parse.urlsplit(url)
    name = parsed.path.lstrip("/")
    if name in {"", "test", "postgres", "template0", "template1"}:
        sys.exit(f"Refusing to drop the database {name!r}: give the drill a database of its own.")
    server = urllib.parse.urlunsplit(parsed._replace(path="/postgres"))
    try:
        connection = psycopg2.connect(server, connect_timeout=5)
    except psycopg2.OperationalError:
        clusters = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
        if parsed.hostname not in {"127.0.0.1", "localhost"} or not clusters:
            raise
        say("PostgreSQL is not answering: starting the local cluster (as .ci/run does)")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1].name, "main", "start"], check=False
        )
        for _ in range(30):
            with contextlib.suppress(psycopg2.OperationalError):
                connection = psycopg2.connect(server, connect_timeout=5)
                break
            time.sleep(1)
        else:
            raise
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


# --- Processes ----------------------------------------------------------------------------------


class Processes:
    """Everything the drill starts, by name; `stop_all` ends them (their whole process groups)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )
        process.log_file = log  # type: ignore[attr-defined]
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL to the process and everything it started, then reap it (a zombie looks alive)."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.log_file.close()  # type: ignore[attr-defined]

    def wait(self, name: str) -> int:
        """Wait for a process that ends by itself (locust)."""
        process = self.running.pop(name)
        code = process.wait()
        process.log_file.close()  # type: ignore[attr-defined]
        return code

    def stop(self, name: str, grace: float = 15) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # Whatever the group still holds (a gunicorn worker whose master is gone) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.log_file.close()  # type: ignore[attr-defined]

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)

    def alive(self, name: str) -> bool:
        process = self.running.get(name)
        return process is not None and process.poll() is None


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- HTTPS through nginx ------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def upstream(self) -> str:
        return self.headers.get("X-Drill-Upstream", "")


class Browser:
    """A client with cookies that connects from one loopback address, a new connection per request."""

    def __init__(self, port: int, cafile: Path, address: str = "127.0.0.1"):
        self.port = port
        self.address = address
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        data: dict | None = None,
        headers: dict | None = None,
        timeout: float = 30,
    ) -> Answer:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, timeout=timeout, source_address=(self.address, 0)
        )
        with self.lock:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "cluster-drill"}
        if cookie:
            sent["Cookie"] = cookie
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"{self.origin}{path}"
        sent.update(headers or {})
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        seconds = time.monotonic() - started
        with self.lock:
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
        return Answer(response.status, response.headers, content, seconds)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict, **kwargs) -> Answer:
        """GET the form for its CSRF token, then POST it."""
        page = self.get(path)
        token = CSRF.search(page.text)
        return self.request(
            "POST", path, data={**data, "csrfmiddlewaretoken": token.group(1) if token else ""}, **kwargs
        )

    def log_in(self, login: str) -> Answer:
        return self.post_form("/akun/masuk/", {"username": login, "password": DEMO_PASSWORD})


def probe(port: int, path: str = "/healthz") -> int:
    """Status of one request straight to a gunicorn instance (as nginx sends it: HTTPS behind a proxy)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


# --- The drill ----------------------------------------------------------------------------------


class Drill:
    def __init__(self, profile: Profile, *, keep: bool, overrides: dict[str, str], nginx_template: Path):
        self.profile = profile
        self.keep = keep
        self.overrides = overrides
        self.nginx_template = nginx_template
        self.report = Report()
        self.tmp = Path(tempfile.mkdtemp(prefix="cluster-drill-"))
        self.logs = self.tmp / "logs"
        self.prefix = self.tmp / "nginx"
        self.static = self.tmp / "static"
        self.media = self.tmp / "media"
        for folder in (self.logs, self.prefix / "tmp", self.static, self.media):
            folder.mkdir(parents=True)
        # Export files (full of NIKs, if fake ones) and the logs: for the drill's own user alone.
        self.media.chmod(0o700)
        self.logs.chmod(0o700)
        self.processes = Processes(self.logs)
        self.port = free_port()
        self.ports = {"a": free_port(), "b": free_port()}
        self.database_url = os.environ.get("CLUSTER_DRILL_DATABASE_URL", DEFAULT_DATABASE_URL)
        self.redis_url = os.environ.get("CLUSTER_DRILL_REDIS_URL", DEFAULT_REDIS_URL)
        self.cert = self.prefix / "cert.pem"

    # --- setting up -----------------------------------------------------------------------------

    def environment(self, **extra: str) -> dict[str, str]:
        return {**os.environ, **self.portal_env, **extra}

    def prepare(self) -> None:
        step("preparing")
        ensure_tools()
        self.nginx = nginx_binary()
        self.redis_prepare()
        database_prepare(self.database_url)
        self.portal_env = {
            "DJANGO_SETTINGS_MODULE": "umkm_portal.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            # The production snippet passes the host without the port ($host); the drill's port is not 443.
            "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{self.port}",
            # nginx terminates TLS and says so in X-Forwarded-Proto; it is the one proxy in front.
            "BEHIND_PROXY": "true",
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": self.database_url,
            "CACHE_URL": self.redis_url,
            "REDIS_URL": self.redis_url,
            "TASKS_BACKEND": "database",
            "STATIC_ROOT": str(self.static),
            "MEDIA_ROOT": str(self.media),
            "PORTAL_BASE_URL": f"https://127.0.0.1:{self.port}",
            # A new worker takes over a dead worker's job at its first upkeep round.
            "WORKER_UPKEEP_SECONDS": "3",
        } | self.overrides
        if self.overrides:
            say(f"settings changed for this run: {self.overrides}")
        say(f"database {self.database_url.rsplit('@', 1)[-1]}, cache {self.redis_url}, folder {self.tmp}")
        started = time.monotonic()
        self.manage("migrate", "--noinput")
        # seed_demo refuses production mode (it makes demo logins), so it runs in development mode.
        self.manage("seed_demo", "--businesses", str(self.profile.businesses), DJANGO_ENV="development")
        self.manage("collectstatic", "--noinput")
        say(
            f"migrated, seeded {self.profile.businesses} businesses and collected the static files in "
            f"{time.monotonic() - started:.0f} s"
        )
        self.django_setup()

    def manage(self, *args: str, **env: str) -> None:
        """A manage.py command with the portal's environment; its output goes to logs/setup.log."""
        with open(self.logs / "setup.log", "ab") as log:
            done = subprocess.run(
                [str(PY), "manage.py", *args], env=self.environment(**env), cwd=ROOT, stdout=log, stderr=log
            )
        if done.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{tail(self.logs / 'setup.log')}")

    def redis_prepare(self) -> None:
        import redis

        parsed = urllib.parse.urlsplit(self.redis_url)
        if parsed.path.strip("/") in {"", "0", "15"}:
            sys.exit("Give the drill a Redis database of its own (not 0 or 15): CLUSTER_DRILL_REDIS_URL.")
        try:
            redis.Redis.from_url(self.redis_url, socket_timeout=2).ping()
        except redis.RedisError:
            if "CLUSTER_DRILL_REDIS_URL" in os.environ:
                raise
            # No Redis on the usual port: a private one for the drill, stopped at the end.
            if shutil.which("redis-server") is None:
                apt_install("redis-server")
            port = free_port()
            self.processes.start(
                "redis",
                [
                    "redis-server",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                env=dict(os.environ),
            )
            self.redis_url = f"redis://127.0.0.1:{port}/4"
            for _ in range(50):
                with contextlib.suppress(redis.RedisError):
                    redis.Redis.from_url(self.redis_url, socket_timeout=2).ping()
                    break
                time.sleep(0.1)
            say(f"no Redis answered on 127.0.0.1:6379: started one on port {port}")
        redis.Redis.from_url(self.redis_url, socket_timeout=2).flushdb()

    def django_setup(self) -> None:
        """The ORM in this process, with the portal's environment, to count what the database holds."""
        os.environ.update(self.portal_env)
        sys.path.insert(0, str(ROOT))
        import django

        # Django's log handlers take the streams they find at set-up: this process's logs go to a
        # file, and the drill's output stays its own lines.
        self.django_log = open(self.logs / "drill-django.log", "a")  # noqa: SIM115 - open while the drill runs
        with contextlib.redirect_stdout(self.django_log), contextlib.redirect_stderr(self.django_log):
            django.setup()

    def certificate(self) -> None:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(self.prefix / "key.pem"), "-out", str(self.cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip

    def start_instance(self, name: str) -> None:
        argv = [str(GUNICORN)]
        config = ROOT / "deploy" / "gunicorn.conf.py"
        if config.exists():
            argv += ["--config", str(config)]
        argv += [
            "--bind", f"127.0.0.1:{self.ports[name]}",
            "--workers", str(GUNICORN_WORKERS),
            "--access-logfile", "-",
            "--error-logfile", "-",
            "--pid", str(self.tmp / f"gunicorn-{name}.pid"),
            "umkm_portal.wsgi",
        ]  # fmt: skip
        self.processes.start(f"gunicorn-{name}", argv, self.environment())

    def wait_instance(self, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.processes.alive(f"gunicorn-{name}"):
                break
            # /healthz (process alive); /kemajuan/ where the health endpoints are not there yet.
            if probe(self.ports[name]) == 200 or probe(self.ports[name], "/kemajuan/") == 200:
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn {name} did not start:\n{tail(self.logs / f'gunicorn-{name}.log')}")

    def warm(self, name: str) -> float:
        """A few requests straight to a new instance, so that each of its workers has loaded the
        pages' code before nginx sends it visitors; answers the slowest of them, in seconds."""
        pages = ["/kemajuan/", "/", "/akun/masuk/", "/api/v1/progress/"] * GUNICORN_WORKERS * 2

        def timed(path: str) -> float:
            started = time.monotonic()
            probe(self.ports[name], path)
            return time.monotonic() - started

        with concurrent.futures.ThreadPoolExecutor(max_workers=GUNICORN_WORKERS * 2) as pool:
            return max(pool.map(timed, pages))

    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        return self.processes.start(name, [str(PY), "manage.py", "worker"], self.environment())

    def start_nginx(self) -> None:
        template = self.nginx_template.read_text()
        values = {
            "@PREFIX@": str(self.prefix),
            "@PORT@": str(self.port),
            "@PORT_A@": str(self.ports["a"]),
            "@PORT_B@": str(self.ports["b"]),
            "@STATIC_ROOT@": str(self.static),
            "@PROXY_SNIPPET@": str(self.prefix / "umkm-portal-proxy.conf"),
        }
        for placeholder, value in values.items():
            template = template.replace(placeholder, value)
        # The production site's proxy snippet, copied where an unprivileged nginx can read it.
        shutil.copy(ROOT / "deploy" / "nginx" / "umkm-portal-proxy.conf", self.prefix)
        config = self.prefix / "nginx.conf"
        config.write_text(template)
        argv = [
            self.nginx,
            "-p",
            str(self.prefix),
            "-c",
            str(config),
            "-e",
            str(self.prefix / "error.log"),
            "-g",
            "daemon off;",
        ]
        if os.geteuid() == 0:
            # Never as root: nginx runs as nobody, which may read the static files and its prefix
            # (not the media folder nor the logs).
            for path in (self.tmp, self.static):
                path.chmod(0o755)
            for folder, _dirs, files in os.walk(self.prefix):
                os.chown(folder, 65534, 65534)
                for name in files:
                    os.chown(Path(folder) / name, 65534, 65534)
            for folder, dirs, _files in os.walk(self.static):
                for name in dirs:
                    (Path(folder) / name).chmod(0o755)
            argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
        subprocess.run([*argv[:-2], "-t", "-q"], check=True, cwd=ROOT)
        self.processes.start("nginx", argv, dict(os.environ))
        browser = Browser(self.port, self.cert)
        for _ in range(100):
            with contextlib.suppress(OSError):
                if browser.get("/kemajuan/", timeout=5).status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"nginx did not answer:\n{tail(self.prefix / 'error.log')}")

    def start_cluster(self) -> None:
        step("starting nginx, two gunicorn instances and a worker")
        self.certificate()
        for name in self.ports:
            self.start_instance(name)
        self.start_worker()
        for name in self.ports:
            self.wait_instance(name)
            self.warm(name)
        self.start_nginx()
        say(
            f"nginx https://127.0.0.1:{self.port} -> gunicorn a 127.0.0.1:{self.ports['a']}, "
            f"b 127.0.0.1:{self.ports['b']} ({GUNICORN_WORKERS} workers each); worker pid "
            f"{self.processes.running['worker'].pid}"
        )
        self.readiness()

    def readiness(self) -> None:
        """/readyz through nginx: database, cache, migrations, task queue and the worker's heartbeat."""
        browser = Browser(self.port, self.cert)
        for _ in range(60):
            answer = browser.get("/readyz")
            if answer.status == 200:
                break
            time.sleep(0.5)
        try:
            checks = json.loads(answer.text).get("checks", {})
            detail = ", ".join(f"{name} {value.get('status')}" for name, value in checks.items())
        except (ValueError, AttributeError):
            detail = answer.text[:200]
        self.report.check("ready", answer.status == 200, f"/readyz answered {answer.status}: {detail}")

    # --- 1. the login limit -------------------------------------------------------------------

    def login_limit(self) -> None:
        from django.conf import settings

        step("1. the login limit across both instances")
        limit, window = settings.LOGIN_RATE_LIMIT, settings.LOGIN_RATE_WINDOW_SECONDS
        posts = limit + 10
        # The counts live in fixed windows: the posts must not straddle two of them.
        left = window - time.time() % window
        if left < 30:
            say(f"waiting {left:.0f} s for the next {window}-second window of the login limit")
            time.sleep(left + 0.5)
        browser = Browser(self.port, self.cert, address=LOGIN_PROBE_ADDRESS)
        page = browser.get("/akun/masuk/")
        token = CSRF.search(page.text).group(1)

        def attempt(i: int) -> Answer:
            # A different name every time (django-axes locks a name, this limit counts an address),
            # and a different claimed address every time: only the address nginx saw may count.
            return browser.request(
                "POST",
                "/akun/masuk/",
                data={
                    "username": f"latihan{i}@contoh.test",
                    "password": "salah-sekali",
                    "csrfmiddlewaretoken": token,
                },
                headers={"X-Forwarded-For": f"198.51.100.{i % 250 + 1}"},
            )

        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(pool.map(attempt, range(posts)))
        statuses: dict[int, int] = {}
        by_instance: dict[str, int] = {}
        for answer in answers:
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
            by_instance[answer.upstream] = by_instance.get(answer.upstream, 0) + 1
        refused = statuses.get(429, 0)
        served = ", ".join(f"{k or '?'}: {v}" for k, v in sorted(by_instance.items()))
        say(
            f"{posts} login posts from {LOGIN_PROBE_ADDRESS}, LOGIN_RATE_LIMIT={limit}: statuses {statuses}; "
            f"instances {served}"
        )
        self.report.check(
            "login limit holds across instances",
            refused == posts - limit and statuses.get(200, 0) == limit and len(by_instance) == 2,
            f"{posts - refused} of {posts} posts answered before 429 (limit {limit}; counted per instance "
            f"it would be {2 * limit}); "
            f"both instances took posts ({served})",
        )
        admin_page = browser.get("/admin/login/")
        admin_token = CSRF.search(admin_page.text)
        admin_post = browser.request(
            "POST",
            "/admin/login/?next=/admin/",
            data={
                "username": "admin@demo.umkm.test",
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": admin_token.group(1) if admin_token else "",
            },
        )
        self.report.check(
            "the admin's login is behind the same limit",
            admin_post.status == 429,
            f"a post to /admin/login/ from the same address then answered {admin_post.status}",
        )
        other = Browser(self.port, self.cert, address=OTHER_ADDRESS).log_in("staf@demo.umkm.test")
        self.report.check(
            "another address still logs in",
            other.status == 302,
            f"staff login from {OTHER_ADDRESS} answered {other.status}",
        )

    # --- 2. and 3. load, and faults under load ---------------------------------------------------

    def counts(self) -> dict[str, int]:
        from django.contrib.auth import get_user_model

        from pembinaan.enrolment.models import Registration

        return {
            "registrations": Registration.objects.count(),
            "registrations_with_business": Registration.objects.filter(business__isnull=False).count(),
            "accounts": get_user_model().objects.count(),
        }

    def registered(self, names: list[str]) -> set[str]:
        from pembinaan.enrolment.models import Registration

        found = set()
        for start in range(0, len(names), 500):
            found |= set(
                Registration.objects.filter(business__name__in=names[start : start + 500]).values_list(
                    "business__name", flat=True
                )
            )
        return found

    def jobs_settled(self, since: datetime.datetime, timeout: float = 120) -> dict[str, int]:
        """Wait until no job made since `since` is queued or running; answer the jobs by status."""
        from pembinaan.jobs.models import Job

        deadline = time.monotonic() + timeout
        while (
            Job.objects.filter(created_at__gte=since, status__in=Job.ACTIVE).exists()
            and time.monotonic() < deadline
        ):
            time.sleep(0.5)
        by_status: dict[str, int] = {}
        for status in Job.objects.filter(created_at__gte=since).values_list("status", flat=True):
            by_status[status] = by_status.get(status, 0) + 1
        return by_status

    def locust(self, *, seconds: int, run: int, block: int) -> tuple[subprocess.Popen, Path]:
        from django.conf import settings

        result = self.tmp / f"locust-{run}.json"
        argv = [
            str(LOCUST_VENV / "bin" / "locust"),
            "-f", str(HERE / "cluster_locustfile.py"),
            "--headless", "--only-summary",
            "-u", str(self.profile.users), "-r", str(max(2, self.profile.users // 2)),
            "-t", f"{seconds}s", "--stop-timeout", "15",
            "--host", f"https://127.0.0.1:{self.port}",
        ]  # fmt: skip
        env = {key: value for key, value in os.environ.items() if key not in self.portal_env} | {
            "DRILL_CA_FILE": str(self.cert),
            "DRILL_RESULT_FILE": str(result),
            "DRILL_RUN": str(run),
            "DRILL_ADDRESS_BLOCK": str(block),
            "DRILL_EXPORT_MIN_ROWS": str(settings.EXPORT_INLINE_MAX_ROWS + 1),
            "DRILL_EXPORT_TIMEOUT": "120",
        }
        return self.processes.start(f"locust-{run}", argv, env), result

    def load(self) -> None:
        from django.utils import timezone

        p = self.profile
        step(f"2. load through nginx: {p.users} users for {p.load_seconds} s")
        since = timezone.now()
        before = self.counts()
        access_before = self.access_lines()
        process, result_file = self.locust(seconds=p.load_seconds, run=1, block=10)
        self.processes.wait("locust-1")
        result = self.locust_result(result_file, "locust-1")
        jobs = self.jobs_settled(since)
        after = self.counts()
        self.print_load(result)
        upstreams = self.upstream_counts(self.access_lines()[len(access_before) :])
        say(f"nginx sent requests to: {upstreams}")
        regs = result["registrations"]
        acknowledged = regs["acknowledged"]
        gained = after["registrations"] - before["registrations"]
        found = self.registered(acknowledged)
        self.report.check(
            "load: no errors",
            result["failures"] == 0 and result["requests"] > 0,
            f"{result['requests']} requests, {result['failures']} failed" + self.failure_summary(result),
        )
        self.report.check(
            "load: registrations counted = registrations gained",
            len(acknowledged) > 0
            and len(acknowledged) == len(regs["attempted"]) == gained == len(found)
            and after["registrations_with_business"] - before["registrations_with_business"] == gained
            and after["accounts"] - before["accounts"] == gained,
            f"locust: {len(regs['attempted'])} sent, {len(acknowledged)} acknowledged; database gained "
            f"{gained} registrations ({len(found)} of the acknowledged found with their business), "
            f"{after['accounts'] - before['accounts']} owner accounts",
        )
        self.check_exports("load", result, jobs)
        self.report.check(
            "load: both instances served",
            len([k for k in upstreams if k in self.upstream_names()]) == 2,
            f"{upstreams}",
        )

    def faults(self) -> None:
        from django.utils import timezone

        from pembinaan.jobs.models import Job

        p = self.profile
        step(
            f"3. faults under load: {p.users} users for {p.fault_seconds} s; the worker and instance a killed"
        )
        since = timezone.now()
        before = self.counts()
        started = time.monotonic()
        process, result_file = self.locust(seconds=p.fault_seconds, run=2, block=20)
        time.sleep(2)
        # The worker, killed while it writes an export; a new worker takes over.
        admin = Browser(self.port, self.cert, address=ADMIN_ADDRESS)
        admin.log_in("admin@demo.umkm.test")
        answer = admin.get("/registri/usaha/ekspor.xlsx")
        job_match = JOB_URL.search(answer.headers.get("Location", ""))
        worker_kill = None
        if answer.status != 302 or not job_match:
            self.report.check(
                "worker killed mid-job", False, f"the export answered {answer.status}, not a job"
            )
        else:
            job_pk = int(job_match.group(1))
            deadline = time.monotonic() + 60
            job = Job.objects.get(pk=job_pk)
            # Killed as soon as a worker has claimed it: the whole file now takes a fraction of a
            # second (the drill once waited 0.3 s "into the writing" and found the job already done).
            while job.status != Job.Status.RUNNING and time.monotonic() < deadline:
                time.sleep(0.01)
                job.refresh_from_db()
            old_pid = self.processes.running["worker"].pid
            self.processes.kill("worker")
            killed_at = time.monotonic()
            running_for = (timezone.now() - job.started_at).total_seconds() if job.started_at else 0.0
            worker_kill = {"job": job_pk, "status": job.status, "after": running_for, "total": job.total}
            say(
                f"worker (pid {old_pid}) killed with SIGKILL {killed_at - started:.1f} s in, while export "
                f"job #{job_pk} ({job.total} rows, .xlsx) had been running for {running_for:.1f} s"
            )
            self.start_worker()
        # Instance a, killed (master and workers) part-way through the run.
        time.sleep(max(0.0, started + p.fault_seconds * 0.45 - time.monotonic()))
        killed_instance_at = time.time()
        self.processes.kill("gunicorn-a")
        say(f"gunicorn a (port {self.ports['a']}) killed with SIGKILL {time.monotonic() - started:.1f} s in")
        self.processes.wait("locust-2")
        result = self.locust_result(result_file, "locust-2")
        jobs = self.jobs_settled(since)
        after = self.counts()
        self.print_load(result)

        failures = result["failure_list"]
        gets = [f for f in failures if f["method"] != "POST"]
        posts = [f for f in failures if f["method"] == "POST"]
        in_flight = [
            f
            for f in posts
            if f.get("status") == 502 and -1 <= f.get("t", killed_instance_at) - killed_instance_at <= 6
        ]
        self.report.check(
            "instance killed: no page request failed",
            not gets and result["requests"] > 0,
            f"{result['requests']} requests, {len(gets)} GETs failed"
            + self.failure_summary({"failure_list": gets}),
        )
        self.report.check(
            "instance killed: only posts in flight at the kill failed",
            len(in_flight) == len(posts),
            f"{len(posts)} posts failed, {len(in_flight)} of them with 502 within seconds of the kill "
            f"({', '.join(sorted({f['name'] for f in posts})) or 'none'})",
        )
        regs = result["registrations"]
        acknowledged = regs["acknowledged"]
        unanswered = sorted(set(regs["attempted"]) - set(acknowledged))
        found = self.registered(acknowledged)
        gained = after["registrations"] - before["registrations"]
        committed_unanswered = self.registered(unanswered)
        say(
            f"registrations: {len(regs['attempted'])} sent, {len(acknowledged)} acknowledged, "
            f"{len(unanswered)} unanswered (in flight at the kill), of which {len(committed_unanswered)} "
            f"went through; the database gained {gained}"
        )
        self.report.check(
            "instance killed: no acknowledged registration lost",
            len(acknowledged) > 0
            and len(found) == len(acknowledged)
            and gained == len(acknowledged) + len(committed_unanswered),
            f"{len(found)} of {len(acknowledged)} acknowledged registrations in the database; gained {gained} = "
            f"{len(acknowledged)} acknowledged + {len(committed_unanswered)} whose answer was lost",
        )
        if worker_kill is not None:
            self.worker_recovery(admin, worker_kill)
        self.check_exports("faults", result, jobs)
        step("restarting gunicorn a")
        self.start_instance("a")
        self.wait_instance("a")
        say(f"gunicorn a is back; warmed up (its slowest first page: {ms(self.warm('a'))})")

    def worker_recovery(self, admin: Browser, killed: dict) -> None:
        from pembinaan.jobs.models import Job

        job = Job.objects.get(pk=killed["job"])
        download = admin.get(f"/pekerjaan/{job.pk}/unduh/") if job.status == Job.Status.DONE else None
        rows = xlsx_rows(download.body) if download is not None and download.status == 200 else -1
        taken_over = killed["status"] == Job.Status.RUNNING and job.attempts >= 2
        took = (job.finished_at - job.started_at).total_seconds() if job.finished_at and job.started_at else 0
        self.report.check(
            "worker killed mid-job: the job is not lost",
            job.status == Job.Status.DONE and rows == job.total and taken_over,
            f"export #{job.pk} was {killed['status']} for {killed['after']:.1f} s when its worker was killed; "
            f"now {job.status} after {job.attempts} attempts ({took:.1f} s on the new worker); downloaded "
            f"{rows} rows of {job.total}",
        )

    def check_exports(self, phase: str, result: dict, jobs: dict[str, int]) -> None:
        from pembinaan.jobs.models import Job

        exports = result["exports"]
        whole = [e for e in exports if e["rows"] == Job.objects.get(pk=e["job"]).total]
        seconds = [e["seconds"] for e in exports]
        detail = (
            f"{len(exports)} export jobs downloaded, {len(whole)} with every row "
            f"({', '.join(str(e['rows']) for e in exports[:3])}{'…' if len(exports) > 3 else ''} rows; "
            f"{min(seconds, default=0):.1f}–{max(seconds, default=0):.1f} s from request to file); "
            f"jobs by status: {jobs}"
        )
        lost = {status: n for status, n in jobs.items() if status != Job.Status.DONE}
        self.report.check(
            f"{phase}: large export done and no job lost",
            (phase != "load" or len(exports) > 0) and len(whole) == len(exports) and not lost,
            detail,
        )

    def locust_result(self, path: Path, name: str) -> dict:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            raise RuntimeError(f"locust wrote no result:\n{tail(self.logs / f'{name}.log')}") from None

    def print_load(self, result: dict) -> None:
        say(f"{'request':34} {'count':>6} {'fail':>5} {'p50':>7} {'p95':>7} {'max':>7}")
        for name, s in sorted(result["stats"].items()):
            say(
                f"{name:34} {s['requests']:6d} {s['failures']:5d} {s['p50_ms']:5.0f}ms {s['p95_ms']:5.0f}ms "
                f"{s['max_ms']:5.0f}ms"
            )
        say(
            f"{'TOTAL':34} {result['requests']:6d} {result['failures']:5d} {result['p50_ms']:5.0f}ms "
            f"{result['p95_ms']:5.0f}ms {result['max_ms']:5.0f}ms  ({result['rps']} requests/s)"
        )

    @staticmethod
    def failure_summary(result: dict) -> str:
        seen: dict[str, int] = {}
        for f in result["failure_list"]:
            key = f"{f['method']} {f['name']}: {f.get('status')} {f['error'][:80]}"
            seen[key] = seen.get(key, 0) + 1
        return "".join(f"\n      {n} x {key}" for key, n in list(seen.items())[:8])

    def access_lines(self) -> list[str]:
        try:
            return (self.prefix / "access.log").read_text(errors="replace").splitlines()
        except OSError:
            return []

    def upstream_names(self) -> dict[str, str]:
        return {f"127.0.0.1:{port}": name for name, port in self.ports.items()}

    def upstream_counts(self, lines: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in lines:
            match = re.search(r"upstream=(\S+)", line)
            if match:
                for upstream in match.group(1).split(","):
                    counts[upstream.strip()] = counts.get(upstream.strip(), 0) + 1
        return counts

    # --- 4. slow clients --------------------------------------------------------------------------

    def slow_clients(self) -> None:
        p = self.profile
        step(f"4. slow clients: {p.slow_connections} connections for {p.slow_seconds} s, and a visitor")
        stop = threading.Event()
        stats = {"opened": 0, "closed_by_server": 0, "open": 0, "peak": 0}
        lock = threading.Lock()
        context = ssl.create_default_context(cafile=str(self.cert))
        # The slow posts carry what gets a post past CSRF to the point where Django reads the body
        # (a CSRF cookie, a Referer of this site), as an attacker who fetched the form once would;
        # without them Django refuses the post before reading a byte of it.
        attacker = Browser(self.port, self.cert, address=SLOW_ADDRESS)
        attacker.get("/akun/masuk/")
        cookie = f"csrftoken={attacker.cookies.get('csrftoken', '')}"

        def trickle(kind: str) -> None:
            while not stop.is_set():
                try:
                    raw = socket.create_connection(
                        ("127.0.0.1", self.port), timeout=20, source_address=(SLOW_ADDRESS, 0)
                    )
                except OSError:
                    time.sleep(0.5)
                    continue
                with lock:
                    stats["opened"] += 1
                    stats["open"] += 1
                    stats["peak"] = max(stats["peak"], stats["open"])
                try:
                    if kind == "silent":
                        # Connects and says nothing, not even the TLS greeting.
                        while not stop.wait(1):
                            raw.settimeout(0.01)
                            with contextlib.suppress(TimeoutError):
                                if raw.recv(1) == b"":
                                    raise ConnectionResetError
                    else:
                        conn = context.wrap_socket(raw, server_hostname="127.0.0.1")
                        if kind == "headers":
                            conn.sendall(
                                f"GET /kemajuan/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n".encode()
                            )
                            part = lambda i: f"X-Lambat-{i}: {'a' * 8}\r\n".encode()  # noqa: E731
                        else:
                            conn.sendall(
                                (
                                    f"POST /akun/masuk/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                                    "Content-Type: application/x-www-form-urlencoded\r\n"
                                    f"Cookie: {cookie}\r\nReferer: {attacker.origin}/akun/masuk/\r\n"
                                    "Content-Length: 100000\r\n\r\n"
                                ).encode()
                            )
                            part = lambda i: b"username=" + b"a" * 7  # noqa: E731
                        i = 0
                        while not stop.wait(3):
                            conn.sendall(part(i))
                            i += 1
                except OSError:
                    with lock:
                        stats["closed_by_server"] += 1
                finally:
                    with lock:
                        stats["open"] -= 1
                    raw.close()

        kinds = ["headers", "body", "silent"]
        threads = [
            threading.Thread(target=trickle, args=(kinds[i % 3],), daemon=True)
            for i in range(p.slow_connections)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1)
        visitor = Browser(self.port, self.cert, address=VISITOR_ADDRESS)
        times: list[float] = []
        slowest = (0.0, "")
        statuses: dict[int, int] = {}
        errors = 0
        deadline = time.monotonic() + p.slow_seconds
        while time.monotonic() < deadline:
            try:
                answer = visitor.get("/kemajuan/", timeout=10)
                times.append(answer.seconds)
                slowest = max(
                    slowest, (answer.seconds, self.upstream_names().get(answer.upstream, answer.upstream))
                )
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
            except OSError:
                errors += 1
            time.sleep(0.2)
        peak = stats["peak"]
        stop.set()
        for thread in threads:
            thread.join(5)
        say(
            f"slow connections: {stats['opened']} opened, at most {peak} at once, {stats['closed_by_server']} "
            "cut by nginx's timeouts"
        )
        figures = (
            f"p50 {ms(percentile(times, 0.5))}, p95 {ms(percentile(times, 0.95))}, max {ms(max(times))} "
            f"(the slowest from instance {slowest[1] or '?'})"
            if times
            else "no page at all"
        )
        say(
            f"visitor: {len(times)} pages of /kemajuan/ (a new TLS connection each), statuses {statuses}, "
            f"{errors} errors (10 s timeout); {figures}"
        )
        self.report.check(
            "slow clients: pages still within a second",
            bool(times)
            and errors == 0
            and statuses.get(200, 0) == len(times)
            and max(times) < 1.0
            and peak >= p.slow_connections * 0.9,
            f"{len(times)} pages answered 200, {errors} failed; {figures}; while {peak} slow connections "
            "were open",
        )

    # --- all of it --------------------------------------------------------------------------------

    def run(self) -> int:
        started = time.monotonic()
        try:
            self.prepare()
            self.start_cluster()
            self.login_limit()
            self.load()
            self.faults()
            self.slow_clients()
        except KeyboardInterrupt:
            self.report.check("drill ran to the end", False, "interrupted")
        except Exception as exc:  # noqa: BLE001 - reported as a failed check, then everything is stopped
            self.report.check("drill ran to the end", False, f"{type(exc).__name__}: {exc}")
            import traceback

            traceback.print_exc()
        finally:
            step("stopping everything the drill started")
            self.processes.stop_all()
            self.server_errors()
        failed = self.report.failed
        step(f"summary ({time.monotonic() - started:.0f} s)")
        for check in self.report.checks:
            say(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail.splitlines()[0]}")
        if failed:
            for name in ("gunicorn-a", "gunicorn-b", "worker"):
                say(f"\n-- last lines of {name}.log\n{tail(self.logs / f'{name}.log', 15)}")
            say(f"\n-- nginx error.log\n{tail(self.prefix / 'error.log', 15)}")
            say(
                f"\nCLUSTER DRILL FAILED ({len(failed)} of {len(self.report.checks)} checks); logs kept in {self.tmp}"
            )
            return 1
        if self.keep:
            say(f"logs kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        say(f"\nCluster drill passed ({len(self.report.checks)} checks).")
        return 0

    def server_errors(self) -> None:
        """Any 5xx gunicorn itself answered (nginx's 502 for a killed instance is not one)."""
        errors = 0
        for name in ("gunicorn-a", "gunicorn-b"):
            log = self.logs / f"{name}.log"
            if log.exists():
                # gunicorn's access log line ("GET / HTTP/1.0" 500 …) or the portal's JSON request log.
                errors += len(re.findall(r'" 5\d\d |"status": 5\d\d', log.read_text(errors="replace")))
        if self.report.checks:
            self.report.check(
                "no server errors", errors == 0, f"gunicorn answered {errors} requests with 5xx"
            )


def xlsx_rows(content: bytes) -> int:
    """Data rows of an .xlsx export (its first row is the header)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return sum(1 for _ in sheet.iter_rows(values_only=True)) - 1


def _interrupted(signum, frame):
    # A TERM (CI's timeout, a kill) ends the drill as Ctrl-C does: through its clean-up.
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the short variant (.ci/run)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder with the logs")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the portal's processes, over the drill's own (to see what a setting changes)",
    )
    parser.add_argument(
        "--nginx-template",
        type=Path,
        default=HERE / "cluster_nginx.conf.template",
        help="another nginx configuration with the same @NAMES@ (to see what a directive changes)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupted)
    return Drill(
        SHORT if args.short else FULL,
        keep=args.keep,
        overrides=dict(item.split("=", 1) for item in args.env),
        nginx_template=args.nginx_template,
    ).run()


if __name__ == "__main__":
    sys.exit(main())
