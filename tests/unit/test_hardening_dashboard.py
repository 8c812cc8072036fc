"""The dashboard is served with XSRF and CORS protection, an upload limit and no tracebacks."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config

from ocgmap.config import Settings
from ocgmap.dashboard import app_path, command

REPO = Path(__file__).resolve().parents[2]


def _options(args: list[str]) -> dict[str, str]:
    flags = args[5:]
    assert len(flags) % 2 == 0 and all(f.startswith("--") for f in flags[::2])
    return {name[2:]: value for name, value in zip(flags[::2], flags[1::2], strict=True)}


def test_the_command_runs_the_installed_app_with_hardened_options() -> None:
    args = command(8600, "0.0.0.0", Settings(ocgmap_upload_max_mb=75))
    assert args[:5] == [sys.executable, "-m", "streamlit", "run", app_path()]
    options = _options(args)
    assert options == {
        "server.port": "8600",
        "server.address": "0.0.0.0",
        "server.headless": "true",
        "server.enableXsrfProtection": "true",
        "server.enableCORS": "true",
        "server.maxUploadSize": "75",
        "client.showErrorDetails": "none",
        "client.disableDataExport": "true",
        "client.toolbarMode": "minimal",
        "browser.gatherUsageStats": "false",
    }


def test_the_upload_limit_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCGMAP_UPLOAD_MAX_MB", "42")
    assert _options(command())["server.maxUploadSize"] == "42"
    monkeypatch.delenv("OCGMAP_UPLOAD_MAX_MB")
    assert _options(command())["server.maxUploadSize"] == "200"


def test_every_option_exists_in_the_installed_streamlit() -> None:
    known = st_config.get_config_options()
    assert set(_options(command())) <= set(known)


def test_the_project_config_file_agrees_with_the_command() -> None:
    settings = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text("utf-8"))
    options = _options(command(settings=Settings(ocgmap_upload_max_mb=200)))
    for section, values in settings.items():
        for name, value in values.items():
            assert str(value).lower() == options[f"{section}.{name}"], f"{section}.{name}"


def test_serve_replaces_the_process_with_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, list[str]]] = []
    monkeypatch.setattr("ocgmap.dashboard.os.execv", lambda exe, args: calls.append((exe, args)))
    from ocgmap.dashboard import serve

    serve(8601)  # execv is replaced, so serve returns here
    assert calls == [(sys.executable, command(8601))]
