"""Settings, read from the environment and ``.env``; nothing else in ocgmap reads os.environ."""

from __future__ import annotations

import functools
import getpass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ocgmap.schema import BandScheme, load_bands

__all__ = ["Settings", "StoreKind", "band_scheme"]

StoreKind = Literal["neo4j", "embedded"]
#: Where an analysis projects and clusters: in Python (networkx), or in Neo4j with GDS.
Engine = Literal["python", "gds"]


class Settings(BaseSettings):
    """Where ocgmap keeps its graph and working files.

    When ``NEO4J_URI`` is set the Neo4j store is used, otherwise the embedded store;
    ``OCGMAP_STORE`` (or the CLI's ``--store``) overrides that choice.

    Examples
    --------
    >>> Settings(neo4j_uri=None, ocgmap_store=None).store_kind
    'embedded'
    >>> Settings(neo4j_uri="bolt://127.0.0.1:7687", ocgmap_store=None).store_kind
    'neo4j'
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    ocgmap_home: Path = Field(default=Path("~/.ocgmap"))
    ocgmap_store: StoreKind | None = None
    ocgmap_bands_file: Path | None = None
    ocgmap_user: str | None = None
    #: Years from a load's start to its review date (docs/retention.md).
    ocgmap_retention_years: int = Field(default=6, ge=0, le=100)
    ocgmap_users_file: Path | None = None
    ocgmap_login: Literal["password", "oidc"] = "password"
    #: Largest uploaded source file, and largest upload of several files, in MB (docs/security.md).
    ocgmap_upload_max_mb: int = Field(default=200, ge=1)
    ocgmap_upload_total_mb: int = Field(default=1000, ge=1)
    #: Largest XLSX workbook once unzipped, in MB: a guard against zip bombs.
    ocgmap_xlsx_max_mb: int = Field(default=2048, ge=1)

    @property
    def store_kind(self) -> StoreKind:
        """The store to open: the explicit choice, else Neo4j when a URI is set."""
        if self.ocgmap_store is not None:
            return self.ocgmap_store
        return "neo4j" if self.neo4j_uri else "embedded"

    @property
    def user(self) -> str:
        """Who records reviews: ``OCGMAP_USER``, else the login name ("" when there is none)."""
        if self.ocgmap_user and self.ocgmap_user.strip():
            return self.ocgmap_user.strip()
        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no login name for this uid (KeyError before 3.13)
            return ""

    @property
    def home(self) -> Path:
        """``OCGMAP_HOME`` with ``~`` expanded."""
        return self.ocgmap_home.expanduser()


@functools.cache
def band_scheme() -> BandScheme:
    """The band scheme in force: ``OCGMAP_BANDS_FILE`` if set, else the shipped default.

    Read once per process (``band_scheme.cache_clear()`` reads it again).
    """
    return load_bands(Settings().ocgmap_bands_file)
