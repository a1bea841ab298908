"""kill -9 at any moment: a night killed in each stage, then rerun, ends as a clean night.

GIVEN one working warehouse beside a readers' file that an earlier night published
WHEN night 1 is killed (SIGKILL to its whole process group, the sandbox included) while
     landing a raw stream, night 2 while dbt builds, night 3 while sentiment enrichment
     runs, night 4 while publishing, and night 5 runs to the end - all on the same world
     and clock
THEN after every kill the working warehouse opens and the readers' file is there, complete,
     and is either the previous publication or this night's; and after night 5 the
     staging, core and marts schemas and the published tables equal those of a clean
     single night (the session's ``tiny_warehouse``).

Where each night is killed is drawn from a seeded ``random.Random``; the seed and the kill
points are in every assertion message. ``PANTAU_KILL_SEED=<seed>`` replays a failure.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import pytest

from orchestration.settings import REPO_ROOT
from tests.conftest import TEST_ANCHOR
from tests.marts.warehouse_diff import LOAD_TIME_COLUMNS, differences

SEED = int(os.environ.get("PANTAU_KILL_SEED") or random.SystemRandom().randrange(2**32))

# Dagster's console log line of a step event; STEP_START and friends are DEBUG events.
STEP_EVENT = re.compile(r" - nightly - (?P<run>[0-9a-f-]{36}) - \d+ - (?P<step>\S+) - (?P<event>STEP_\w+) - ")
# dbt's own progress line, streamed through the dbt step: "k of N START sql table model ...".
DBT_NODE_START = re.compile(r"^(?P<k>\d+) of (?P<n>\d+) START ")

# A publication is identified by the run that made it; its instant is the pinned clock.
PUBLICATION_RUN_COLUMNS = frozenset({"published_at", "dagster_run_id"})


@dataclass
class Kill:
    """Where one night was killed: the plan drawn from the seed, and what was running."""

    night: int
    aim: str
    trigger: str = ""
    delay: float = 0.0
    running: str = "-"
    run_id: str = ""

    def __str__(self) -> str:
        return (f"night {self.night} (aimed at {self.aim}): killed {self.delay:.2f}s after {self.trigger!r}"
                f" while step {self.running} ran (run {self.run_id})")


class Night:
    """One ``python -m orchestration.run --sandbox tiny`` in its own session, its output read as it streams."""

    def __init__(self, workdir: Path):
        environ = {
            **os.environ,
            "PANTAU_WAREHOUSE": str(workdir / "pantau.duckdb"),
            "DAGSTER_HOME": str(workdir / "dagster_home"),
            "PANTAU_NOW": f"{TEST_ANCHOR}T00:00:00+00:00",
            "PANTAU_LOG_LEVEL": "DEBUG",
            "PYTHONUNBUFFERED": "1",
        }
        environ.pop("PANTAU_SANDBOX_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "orchestration.run", "--sandbox", "tiny", "--anchor", TEST_ANCHOR],
            cwd=REPO_ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.run_id = ""
        self.running = "-"
        # A night that hangs is killed as the other nightly tests' subprocess timeouts would.
        self.watchdog = threading.Timer(2400, os.killpg, (self.proc.pid, signal.SIGKILL))
        self.watchdog.start()

    def run(self, arm: Callable[[str], float | None], kill: Kill) -> Kill:
        """Read the night's output; the first line for which ``arm`` returns a delay schedules
        SIGKILL to the process group that many seconds later. Returns once the group is dead."""
        timer: threading.Timer | None = None

        def fire() -> None:
            kill.running, kill.run_id = self.running, self.run_id
            os.killpg(self.proc.pid, signal.SIGKILL)

        for line in self.proc.stdout:
            self.lines.append(line)
            event = STEP_EVENT.search(line)
            if event:
                self.run_id = event["run"]
                if event["event"] == "STEP_START":
                    self.running = event["step"]
                elif event["event"] in ("STEP_SUCCESS", "STEP_FAILURE"):
                    self.running = "-"
            if timer is None:
                delay = arm(line)
                if delay is not None:
                    kill.trigger, kill.delay = line.strip()[-120:], delay
                    timer = threading.Timer(delay, fire)
                    timer.start()
        self.proc.wait()
        self.watchdog.cancel()
        if timer is not None:
            timer.cancel()
        assert kill.trigger and self.proc.returncode == -signal.SIGKILL, (
            f"seed {SEED}: {kill}: the night was not killed as planned (exit {self.proc.returncode})\n" + self.tail())
        return kill

    def finish(self) -> int:
        """Read the night's output to its end; its exit status."""
        self.lines += self.proc.stdout
        self.proc.wait()
        self.watchdog.cancel()
        return self.proc.returncode

    def tail(self) -> str:
        return "".join(self.lines[-60:])


def step_start(step: Callable[[str], bool]) -> Callable[[str], bool]:
    def matches(line: str) -> bool:
        event = STEP_EVENT.search(line)
        return bool(event and event["event"] == "STEP_START" and step(event["step"]))
    return matches


def plan(rng: random.Random) -> list[tuple[str, Callable[[str], float | None]]]:
    """Per killed night, what it aims at and when to fire, drawn from ``rng``."""
    raw_step = rng.randrange(40)  # the tiny world lands 40-odd raw streams, one step each
    raw_delay = rng.uniform(0, 1.0)
    dbt_fraction = rng.uniform(0.02, 0.98)
    dbt_delay = rng.uniform(0, 0.5)
    # Both steps last about a second or a few: killed within their first fraction.
    enrichment_delay = rng.uniform(0, 0.3)
    publication_delay = rng.uniform(0, 0.6)

    raw_starts = 0

    def extraction(line: str) -> float | None:
        nonlocal raw_starts
        if step_start(lambda s: s.startswith("raw__"))(line):
            raw_starts += 1
            if raw_starts > raw_step:
                return raw_delay
        return None

    in_dbt = False

    def dbt(line: str) -> float | None:
        nonlocal in_dbt
        in_dbt = in_dbt or step_start(lambda s: s == "dbt_models")(line)
        node = DBT_NODE_START.match(line) if in_dbt else None
        if node and int(node["k"]) >= dbt_fraction * int(node["n"]):
            return dbt_delay
        return None

    return [
        (f"raw landing, step #{raw_step + 1}", extraction),
        (f"dbt build, node {dbt_fraction:.0%} of the way", dbt),
        ("enrichment__message_sentiment",
         lambda line: enrichment_delay if step_start(lambda s: s == "enrichment__message_sentiment")(line) else None),
        ("publication__published_warehouse",
         lambda line: publication_delay if step_start(lambda s: s == "publication__published_warehouse")(line) else None),
    ]


def publication_of(published: Path) -> tuple:
    """The (published_at, run id) of a complete readers' file; asserts it opens and is whole."""
    with duckdb.connect(str(published), read_only=True) as con:
        info = con.execute("select published_at, dagster_run_id, tables, total_rows from publication.info").fetchall()
        assert len(info) == 1 and None not in info[0], info
        published_at, run_id, tables, total_rows = info[0]
        found = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('core', 'marts', 'reference')"
        ).fetchall()
        rows = sum(con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in found)
    assert (len(found), rows) == (tables, total_rows), f"{published}: {len(found)} tables, {rows} rows; info says {info}"
    return published_at, run_id


@pytest.fixture(scope="module")
def killed_nights(tiny_warehouse, tmp_path_factory):
    """Four nights killed in turn in each stage, then one to the end; what was seen after each kill."""
    workdir = tmp_path_factory.mktemp("kill_and_rerun")
    published = workdir / "pantau_published.duckdb"
    # An earlier night's publication stands in the readers' folder, so every kill is checked
    # against "the previous publication or the new one, never none".
    shutil.copy(tiny_warehouse.with_name("pantau_published.duckdb"), published)
    previous = publication_of(published)
    kills: list[Kill] = []
    for night, (aim, arm) in enumerate(plan(random.Random(SEED)), start=1):
        proc = Night(workdir)
        kill = proc.run(arm, Kill(night, aim))
        kills.append(kill)
        context = f"seed {SEED}: {kill}\n" + proc.tail()
        with duckdb.connect(str(workdir / "pantau.duckdb"), read_only=True) as con:
            con.execute("select count(*) from audit.load_batches").fetchone()
        assert published.exists(), f"{context}\nthe readers' file is missing"
        now = publication_of(published)
        assert now == previous or now[1] == kill.run_id, f"{context}\npublication {now}: neither {previous} nor this night's"
        previous = now
    final = Night(workdir)
    assert final.finish() == 0, f"seed {SEED}: " + "; ".join(map(str, kills)) + "\n" + final.tail()
    print(f"\nseed {SEED}:", *kills, sep="\n  ")
    return workdir, kills


def test_the_rerun_after_the_kills_equals_a_clean_night(killed_nights, tiny_warehouse):
    workdir, kills = killed_nights
    found = differences(workdir / "pantau.duckdb", tiny_warehouse, ("staging", "core", "marts"), LOAD_TIME_COLUMNS)
    assert not found, f"seed {SEED}: " + "; ".join(map(str, kills)) + "\n" + "\n".join(found)


def test_the_last_publication_equals_a_clean_nights(killed_nights, tiny_warehouse):
    workdir, kills = killed_nights
    published = workdir / "pantau_published.duckdb"
    found = differences(published, tiny_warehouse.with_name("pantau_published.duckdb"),
                        ("core", "marts", "reference", "publication"), LOAD_TIME_COLUMNS | PUBLICATION_RUN_COLUMNS)
    leftovers = sorted(p.name for p in workdir.iterdir() if p.name.startswith(published.name + "."))
    assert not found and not leftovers, f"seed {SEED}: " + "; ".join(map(str, kills)) + "\n" + "\n".join(found + leftovers)
