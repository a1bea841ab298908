"""``python -m sandbox serve --profile demo`` runs the sandbox on its own."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date, datetime, timezone

from sandbox.faults import Faults
from sandbox.server import Sandbox, SandboxServer
from sandbox.world.model import World
from sandbox.world.profiles import PROFILES, get_profile
from sandbox.world.truth import ground_truth


def _anchor(text: str | None) -> date:
    return date.fromisoformat(text) if text else datetime.now(timezone.utc).date()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the eight APIs on 127.0.0.1")
    truth = sub.add_parser("truth", help="print the ground truth as JSON")
    for p in (serve, truth):
        p.add_argument("--profile", default=os.environ.get("PANTAU_SANDBOX_PROFILE", "demo"), choices=sorted(PROFILES))
        p.add_argument("--anchor", default=os.environ.get("PANTAU_SANDBOX_ANCHOR"),
                       help="date the profile's sizes hold at (default: today, UTC)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PANTAU_SANDBOX_PORT", "8765")))
    serve.add_argument("--faults", default=os.environ.get("PANTAU_SANDBOX_FAULTS", ""),
                       help="e.g. rate_limit_every=5,error_5xx_every=7")
    serve.add_argument("--ready-file", help="write {port, base_url} here once listening")
    args = parser.parse_args(argv)

    profile = get_profile(args.profile)
    if args.command == "truth":
        json.dump(ground_truth(World.build(profile, _anchor(args.anchor))), sys.stdout, indent=2)
        print()
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sandbox %(levelname)s %(message)s")
    server = SandboxServer(Sandbox(profile, _anchor(args.anchor), Faults.parse(args.faults)), args.port)
    logging.getLogger("pantau.sandbox").info("profile %s listening on %s", profile.name, server.base_url)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as fh:
            json.dump({"port": server.server_address[1], "base_url": server.base_url}, fh)
        os.replace(tmp, args.ready_file)  # atomic: the launcher never reads half a file
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
