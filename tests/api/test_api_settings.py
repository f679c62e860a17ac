"""Settings: flags over the environment over a TOML file over defaults; anything unknown,
malformed or missing fails at once with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings, load_settings
from projections.database import ConfigurationError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DB_URL",
        "HOST",
        "PORT",
        "MAX_BODY_BYTES",
        "LOG_LEVEL",
        "CONFIG",
        "BACKDATING_GRACE",
    ):
        monkeypatch.delenv(f"BEGROTING_{name}", raising=False)


def test_without_anything_the_embedded_default_serves_on_loopback() -> None:
    assert load_settings() == Settings(
        db_url="sqlite:///begroting.sqlite3",
        host="127.0.0.1",
        port=8000,
        max_body_bytes=1_048_576,
        log_level="info",
        backdating_grace=7,
    )


def test_flags_beat_the_environment_which_beats_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "begroting.toml"
    config.write_text('db_url = "sqlite:///from-file.db"\nport = 9000\nhost = "127.0.0.2"\n')
    monkeypatch.setenv("BEGROTING_PORT", "9100")
    monkeypatch.setenv("BEGROTING_HOST", "127.0.0.3")

    settings = load_settings(str(config), host="127.0.0.4")

    assert (settings.db_url, settings.port, settings.host) == (
        "sqlite:///from-file.db",
        9100,
        "127.0.0.4",
    )


def test_the_config_file_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "begroting.toml"
    config.write_text('db_url = "postgresql://postgres@127.0.0.1:5432/test"\n')
    monkeypatch.setenv("BEGROTING_CONFIG", str(config))

    assert load_settings().db_url == "postgresql://postgres@127.0.0.1:5432/test"


def test_a_missing_config_file_fails_fast(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(str(tmp_path / "nope.toml"))

    assert str(caught.value) == f"the config file {tmp_path / 'nope.toml'} does not exist"


def test_an_unknown_key_in_the_config_file_fails_fast(tmp_path: Path) -> None:
    config = tmp_path / "begroting.toml"
    config.write_text('db_ulr = "sqlite:///typo.db"\n')

    with pytest.raises(ConfigurationError) as caught:
        load_settings(str(config))

    assert str(caught.value) == "invalid settings: db_ulr: Extra inputs are not permitted"


def test_an_unsupported_database_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEGROTING_DB_URL", "mysql://root@localhost/test")

    with pytest.raises(ConfigurationError) as caught:
        load_settings()

    assert str(caught.value) == (
        "invalid settings: db_url: unsupported database 'mysql': use sqlite:/// or postgresql://"
    )


def test_a_port_out_of_range_fails_fast() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(port=70000)

    assert str(caught.value) == (
        "invalid settings: port: Input should be less than or equal to 65535"
    )


def test_a_misspelled_environment_variable_stops_the_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BEGROTING_DB_ULR", "postgresql://postgres@127.0.0.1/test")

    with pytest.raises(ConfigurationError) as caught:
        load_settings()

    assert str(caught.value) == (
        "unknown setting BEGROTING_DB_ULR: use BEGROTING_BACKDATING_GRACE, BEGROTING_CONFIG, "
        "BEGROTING_DB_URL, BEGROTING_HOST, BEGROTING_LOG_LEVEL, BEGROTING_MAX_BODY_BYTES, "
        "BEGROTING_PORT"
    )
