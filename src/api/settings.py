"""Settings from the environment (BEGROTING_*), failing fast on anything malformed."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB_URL = "sqlite:///begroting.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BEGROTING_", extra="forbid")

    db_url: str = DEFAULT_DB_URL
