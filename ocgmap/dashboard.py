"""Start the Streamlit dashboard that ships in the ``dashboards`` package."""

from __future__ import annotations

import os
import sys
from importlib import resources
from typing import NoReturn

from ocgmap.config import Settings

__all__ = ["app_path", "command", "serve"]


def app_path() -> str:
    """Path of the installed ``dashboards/app.py``."""
    return str(resources.files("dashboards").joinpath("app.py"))


def command(
    port: int = 8501, address: str = "127.0.0.1", settings: Settings | None = None
) -> list[str]:
    """The ``streamlit run`` command line that serves the dashboard, hardened.

    Parameters
    ----------
    port : int
        The port to listen on.
    address : str
        The address to listen on (``127.0.0.1``: this machine only).
    settings : Settings, optional
        Where the upload size limit comes from (``OCGMAP_UPLOAD_MAX_MB``).

    Returns
    -------
    list of str
        The arguments, starting with the Python interpreter.

    Notes
    -----
    The command line sets, whatever a ``.streamlit/config.toml`` or ``STREAMLIT_*`` variable
    says: XSRF protection and CORS protection on; uploads of at most
    ``OCGMAP_UPLOAD_MAX_MB`` per file; error details in the browser reduced to a generic
    message (the traceback is logged on the server); no usage statistics sent; the
    developer toolbar hidden. docs/security.md explains each.

    Examples
    --------
    >>> args = command(8600, settings=Settings(ocgmap_upload_max_mb=50))
    >>> args[args.index("--server.enableXsrfProtection") + 1]
    'true'
    >>> args[args.index("--server.maxUploadSize") + 1]
    '50'
    """
    upload_mb = (settings or Settings()).ocgmap_upload_max_mb
    options = {
        "server.port": str(port),
        "server.address": address,
        "server.headless": "true",
        "server.enableXsrfProtection": "true",
        "server.enableCORS": "true",
        "server.maxUploadSize": str(upload_mb),
        "client.showErrorDetails": "none",
        # tables offer no CSV download: disclosures go through the audited Export tab
        "client.disableDataExport": "true",
        "client.toolbarMode": "minimal",
        "browser.gatherUsageStats": "false",
    }
    flags = [part for name, value in options.items() for part in (f"--{name}", value)]
    return [sys.executable, "-m", "streamlit", "run", app_path(), *flags]


def serve(port: int = 8501, address: str = "127.0.0.1") -> NoReturn:
    """Become ``streamlit run`` on the dashboard (this process is replaced).

    Replacing the process, rather than starting a child, means a signal sent to
    ``ocgmap dashboard`` (Ctrl-C, a service manager's stop) reaches the server itself and
    leaves nothing running behind it. The command line is :func:`command`.
    """
    os.execv(sys.executable, command(port, address))
