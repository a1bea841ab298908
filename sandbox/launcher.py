"""Start the sandbox in its own process and hand back the extractor settings.

A separate process, not a thread: on two cores the server and the extractor
must not share one interpreter lock.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests


@dataclass
class RunningSandbox:
    process: subprocess.Popen
    base_url: str

    def settings(self) -> dict[str, str]:
        """``PANTAU_<SOURCE>_*`` variables pointing every extractor at this sandbox."""
        return requests.get(f"{self.base_url}/_sandbox/settings", timeout=10).json()

    def truth(self) -> dict:
        return requests.get(f"{self.base_url}/_sandbox/truth", timeout=30).json()

    def set_faults(self, **faults) -> dict:
        return requests.post(f"{self.base_url}/_sandbox/faults", json=faults, timeout=10).json()

    def set_clock(self, as_of_iso: str) -> dict:
        return requests.post(f"{self.base_url}/_sandbox/clock", json={"as_of": as_of_iso}, timeout=10).json()

    def clock(self) -> str:
        """The sandbox's "now" (ISO): nothing later is visible in its world."""
        return requests.get(f"{self.base_url}/_sandbox/clock", timeout=10).json()["as_of"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "RunningSandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_sandbox(profile: str = "demo", anchor: str | None = None, faults: str = "", port: int = 0,
                  timeout: float = 60.0, log_path: str | None = None) -> RunningSandbox:
    """Start ``python -m sandbox serve`` on a free loopback port; its log goes to ``log_path``."""
    log_file = open(log_path or os.path.join(tempfile.gettempdir(), f"pantau-sandbox-{os.getpid()}.log"), "w+b")
    with tempfile.TemporaryDirectory(prefix="pantau-sandbox-") as tmp:
        ready = Path(tmp) / "ready.json"
        cmd = [sys.executable, "-m", "sandbox", "serve", "--profile", profile, "--port", str(port),
               "--ready-file", str(ready), "--faults", faults]
        if anchor:
            cmd += ["--anchor", anchor]
        root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        proc = subprocess.Popen(cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if proc.poll() is not None:
                log_file.seek(0)
                err = log_file.read().decode(errors="replace")
                raise RuntimeError(f"sandbox exited with code {proc.returncode} before listening:\n{err[-2000:]}")
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"sandbox did not start listening within {timeout:.0f}s")
            time.sleep(0.05)
        info = json.loads(ready.read_text())
    log_file.close()  # the child keeps its own handle
    return RunningSandbox(proc, info["base_url"])
