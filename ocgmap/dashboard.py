"""Start the Streamlit dashboard that ships in the ``dashboards`` package."""

from __future__ import annotations

import os
import sys
from importlib import resources
from typing import NoReturn

__all__ = ["app_path", "serve"]


def app_path() -> str:
    """Path of the installed ``dashboards/app.py``."""
    return str(resources.files("dashboards").joinpath("app.py"))


def serve(port: int = 8501, address: str = "127.0.0.1") -> NoReturn:
    """Become ``streamlit run`` on the dashboard (this process is replaced).

    Replacing the process, rather than starting a child, means a signal sent to
    ``ocgmap dashboard`` (Ctrl-C, a service manager's stop) reaches the server itself and
    leaves nothing running behind it.
    """
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
    os.execv(sys.executable, command)
