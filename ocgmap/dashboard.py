"""Start the Streamlit dashboard that ships in the ``dashboards`` package."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

__all__ = ["app_path", "serve"]


def app_path() -> str:
    """Path of the installed ``dashboards/app.py``."""
    return str(resources.files("dashboards").joinpath("app.py"))


def serve(port: int = 8501, address: str = "127.0.0.1") -> int:
    """Run ``streamlit run`` on the dashboard until it stops; return its exit code."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        app_path(),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]
    return subprocess.call(command)
