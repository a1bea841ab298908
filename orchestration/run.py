"""Run the nightly job once and print a summary: ``python -m orchestration.run``.

``--sandbox PROFILE`` starts the local sandbox first and points every source
at it; that is what ``make demo`` does.  Without it the sources are configured
from ``PANTAU_<SOURCE>_*`` variables, exactly as the schedule runs them.

Exit code: 0 published with every stream fresh; 3 published, but some streams are
stale (their source failed for good or their suite rejected the batch; the summary
names them); 1 nothing published (readers keep the last good publication).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

from orchestration.settings import REPO_ROOT


def _dagster_home() -> None:
    """Keep run history in ``.dagster_home`` unless the user chose a home."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.run", description=__doc__)
    parser.add_argument("--sandbox", metavar="PROFILE", help="start the sandbox with this profile (tiny, demo, large)")
    parser.add_argument("--anchor", help="the sandbox world's anchor date (default: today)")
    parser.add_argument("--faults", default="", help="sandbox faults to inject, e.g. rate_limit_every=5")
    parser.add_argument(
        "--as-of", metavar="TIMESTAMP",
        help="with --sandbox: replay the night at this ISO instant (the sandbox's clock and PANTAU_NOW),"
             " e.g. the day after --anchor to run a second night",
    )
    args = parser.parse_args(argv)
    if args.as_of and not args.sandbox:
        parser.error("--as-of moves the sandbox's clock; it needs --sandbox")

    _dagster_home()
    with ExitStack() as stack:
        if args.sandbox:
            from sandbox.launcher import start_sandbox

            print(f"Starting the {args.sandbox} sandbox on 127.0.0.1 ...", flush=True)
            running = stack.enter_context(start_sandbox(args.sandbox, anchor=args.anchor, faults=args.faults))
            os.environ["PANTAU_SANDBOX_URL"] = running.base_url
            if args.as_of:
                running.set_clock(args.as_of)
                os.environ["PANTAU_NOW"] = args.as_of
            else:
                # The night's clock is the sandbox's: a world anchored in the past has no later
                # day to ask for (Mixpanel refuses a to_date after its today).
                os.environ.setdefault("PANTAU_NOW", running.clock())

        import dagster as dg

        # Imported only now: definitions read their settings from the environment.
        from orchestration.definitions import defs
        from orchestration.defs.transformation.definitions import PROJECT
        from orchestration.summary import print_summary
        from orchestration.settings import PipelineSettings

        settings = PipelineSettings.from_env()
        started = datetime.now(timezone.utc)
        t0 = time.monotonic()
        with dg.DagsterInstance.get() as instance:
            result = defs.resolve_job_def("nightly").execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": os.environ.get("PANTAU_LOG_LEVEL", "INFO")}}}},
            )
        wall = time.monotonic() - t0
        return print_summary(result, settings.warehouse, settings.published, started, wall,
                             configured=settings.configured_sources(), manifest=PROJECT.manifest_path)


if __name__ == "__main__":
    sys.exit(main())
