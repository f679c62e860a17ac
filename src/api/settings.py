"""Settings from the environment (BEGROTING_*) and an optional TOML file, failing fast on
anything malformed, unknown or unsafe. Command-line flags override both; the environment
overrides the file."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from projections.store.database import ConfigurationError, Database

DEFAULT_DB_URL = "sqlite:///begroting.sqlite3"
CONFIG_ENV = "BEGROTING_CONFIG"
_SCHEMA = re.compile("[a-z_][a-z0-9_]{0,62}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BEGROTING_", extra="forbid")

    db_url: str = DEFAULT_DB_URL
    # The PostgreSQL schema of the default ledger (its municipalities' ledgers are then
    # <schema>_<code>, ADR 0032); none: the database's search path (public).
    db_schema: str | None = None
    # Processes serving requests (ADR 0036): each opens the ledgers and keeps its own
    # reports; about one a core. Each holds its own connection pools.
    workers: int = Field(default=1, ge=1, le=64)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576)
    # An import's upload (POST /api/v1/imports/{kind}): an extract, not a command (ADR 0033).
    max_import_bytes: int = Field(default=16 * 1_048_576, ge=1024, le=256 * 1_048_576)
    log_level: str = Field(default="info", pattern="^(critical|error|warning|info|debug)$")
    # Whole days a person's fact may be known before it is recorded without being flagged as
    # backdated (ADR 0018); the CLI's analyses read it too.
    backdating_grace: int = Field(default=7, ge=0, le=36_500)
    # The municipalities' ledgers a server keeps open at once (ADR 0032): each holds up to
    # SHARED_CONNECTIONS (6) connections, the default ledger up to 21, so 8 keep PostgreSQL
    # (100 by default) at 69 at most, with room for the command line and the operator.
    max_open_ledgers: int = Field(default=8, ge=1, le=1000)

    @field_validator("backdating_grace", mode="before")
    @classmethod
    def _whole_days(cls, value: object) -> object:
        # A TOML `true` is not a number of days (pydantic would take it for 1).
        if isinstance(value, bool):
            raise ValueError("a whole number of days, such as 7")
        return value

    @field_validator("db_schema")
    @classmethod
    def _a_schema_name(cls, value: str | None) -> str | None:
        if value is not None and not _SCHEMA.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a schema name: lowercase letters, digits and _, "
                "not starting with a digit, at most 63"
            )
        return value

    @model_validator(mode="after")
    def _schema_on_postgresql(self) -> Settings:
        if self.db_schema is not None and self.database.is_sqlite:
            raise ValueError("db_schema is a PostgreSQL setting: a SQLite URL names its file")
        return self

    @property
    def database(self) -> Database:
        return Database.parse(self.db_url, self.db_schema)

    @property
    def grace(self) -> timedelta:
        return timedelta(days=self.backdating_grace)

    @field_validator("db_url")
    @classmethod
    def _a_database_we_support(cls, value: str) -> str:
        try:
            Database.parse(value)
        except ConfigurationError as error:
            raise ValueError(str(error)) from None
        return value


def environment(settings: Settings) -> dict[str, str]:
    """`settings` as the BEGROTING_* variables that give them back: a served worker process
    (ADR 0036) reads the settings its parent resolved from flags, file and environment."""
    return {
        f"BEGROTING_{name.upper()}": str(value)
        for name, value in settings.model_dump().items()
        if value is not None
    }


def load_settings(config: str | None = None, **overrides: Any) -> Settings:
    """Settings from `config` (or $BEGROTING_CONFIG), the environment and `overrides`."""
    known = {CONFIG_ENV, *(f"BEGROTING_{name.upper()}" for name in Settings.model_fields)}
    # pydantic-settings ignores an environment variable it does not know: a typo would
    # silently serve the default database.
    unknown = sorted(name for name in os.environ if name.startswith("BEGROTING_"))
    unknown = [name for name in unknown if name not in known]
    if unknown:
        raise ConfigurationError(
            f"unknown setting {', '.join(unknown)}: use {', '.join(sorted(known))}"
        )
    path = config or os.environ.get(CONFIG_ENV)
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        if path is None:
            return Settings(**given)
        if not Path(path).is_file():
            raise ConfigurationError(f"the config file {path} does not exist")
        toml_file = Path(path)

        class FromFile(Settings):
            @classmethod
            def settings_customise_sources(
                cls,
                settings_cls: type[BaseSettings],
                init_settings: PydanticBaseSettingsSource,
                env_settings: PydanticBaseSettingsSource,
                dotenv_settings: PydanticBaseSettingsSource,
                file_secret_settings: PydanticBaseSettingsSource,
            ) -> tuple[PydanticBaseSettingsSource, ...]:
                return (
                    init_settings,
                    env_settings,
                    TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
                )

        return FromFile(**given)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'settings'}: "
            + str(item["msg"]).removeprefix("Value error, ")
            for item in error.errors()
        )
        raise ConfigurationError(f"invalid settings: {problems}") from None
