"""What every bench script records: its figures appended to bench/results/latest.md.

    from results import Figure, record
    record("export", [Figure("CSV through the job", 1.4, "s", baseline=0.3, baseline_name="COPY")])

Each entry names the machine (cores, load average at the start and at the end, Python, the
database server when known), the exact command, and one line per figure with its baseline and the
ratio, so that a figure is never read without the conditions it was measured in. The ratio is
baseline / figure for times ("how many times better than the baseline"), figure / baseline for
rates (`higher_is_better`), and figure / floor against a floor (`floor`). bench/results/ is not committed; the note copies the tables it cites.
"""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
LATEST = RESULTS / "latest.md"
# The load average when the bench started (this module is imported first thing).
LOAD_AT_START = os.getloadavg()


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str  # "s", "ms", "rows/s", "MB", …
    baseline: float | None = None
    baseline_name: str = ""
    higher_is_better: bool = False
    # A floor (e.g. PostgreSQL's own COPY) is what nothing can beat: the ratio then says how many
    # times the floor the figure took, rather than how many times faster it is.
    floor: bool = False

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.value or not self.baseline:
            return None
        if self.floor:
            return self.value / self.baseline
        return self.value / self.baseline if self.higher_is_better else self.baseline / self.value

    @property
    def ratio_text(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "—"
        if self.floor:
            return f"{ratio:.1f}× the floor"
        return f"{ratio:.1f}× better" if ratio >= 1 else f"{1 / ratio:.1f}× worse"


def machine() -> str:
    cores = os.cpu_count()
    end = os.getloadavg()
    loads = " ".join(f"{x:.2f}" for x in LOAD_AT_START)
    return (
        f"{cores} cores, load average {loads} at the start and {' '.join(f'{x:.2f}' for x in end)} at the "
        f"end (1, 5, 15 min); {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def table(figures: list[Figure]) -> str:
    lines = ["| figure | value | baseline | ratio |", "|---|---:|---|---:|"]
    for f in figures:
        base = f"{_number(f.baseline)} {f.unit} ({f.baseline_name})" if f.baseline is not None else "—"
        lines.append(f"| {f.name} | {_number(f.value)} {f.unit} | {base} | {f.ratio_text} |")
    return "\n".join(lines)


def record(bench: str, figures: list[Figure], *, note: str = "", database: str = "") -> Path:
    """Append one entry to bench/results/latest.md and print its table; answers the file's path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = shlex.join([Path(sys.executable).name, *sys.argv])
    parts = [
        f"## {bench} — {when}",
        "",
        f"- machine: {machine()}",
        *([f"- database: {database}"] if database else []),
        f"- command: `{command}`",
        *([f"- {note}"] if note else []),
        "",
        table(figures),
        "",
    ]
    text = "\n".join(parts) + "\n"
    with LATEST.open("a", encoding="utf-8") as handle:
        handle.write(text)
    print("\n" + text, end="")
    return LATEST


def pg_server() -> str:
    """The PostgreSQL server of PG_URL (default the local one), without a database name.

    CI sets PG_URL to a database (…/test); the benches make and drop databases of their own on
    that server and never use that one.
    """
    url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    scheme, _, rest = url.partition("://")
    host, _, _database = rest.partition("/")
    return f"{scheme}://{host}"
