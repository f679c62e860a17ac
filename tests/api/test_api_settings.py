"""Settings: flags over the environment over a TOML file over defaults; anything unknown,
malformed or missing fails at once with a message naming it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from api.settings import Settings, environment, load_settings
from projections.store.database import ConfigurationError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DB_URL",
        "HOST",
        "PORT",
        "MAX_BODY_BYTES",
        "MAX_IMPORT_BYTES",
        "LOG_LEVEL",
        "CONFIG",
        "BACKDATING_GRACE",
        "MAX_OPEN_LEDGERS",
        "DB_SCHEMA",
        "WORKERS",
    ):
        monkeypatch.delenv(f"BEGROTING_{name}", raising=False)


def test_without_anything_the_embedded_default_serves_on_loopback() -> None:
    assert load_settings() == Settings(
        db_url="sqlite:///begroting.sqlite3",
        host="127.0.0.1",
        port=8000,
        max_body_bytes=1_048_576,
        max_import_bytes=16_777_216,
        log_level="info",
        backdating_grace=7,
        max_open_ledgers=8,
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
        "BEGROTING_DB_SCHEMA, BEGROTING_DB_URL, BEGROTING_HOST, BEGROTING_LOG_LEVEL, "
        "BEGROTING_MAX_BODY_BYTES, BEGROTING_MAX_IMPORT_BYTES, BEGROTING_MAX_OPEN_LEDGERS, "
        "BEGROTING_PORT, BEGROTING_WORKERS"
    )


def test_the_backdating_grace_is_whole_days_from_the_environment_or_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "begroting.toml"
    config.write_text("backdating_grace = 30\n")

    default = load_settings()
    from_file = load_settings(str(config))
    monkeypatch.setenv("BEGROTING_BACKDATING_GRACE", "0")
    from_environment = load_settings(str(config))

    assert (default.backdating_grace, default.grace) == (7, timedelta(days=7))
    assert (from_file.backdating_grace, from_file.grace) == (30, timedelta(days=30))
    assert (from_environment.backdating_grace, from_environment.grace) == (0, timedelta(0))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("seven", "Input should be a valid integer, unable to parse string as an integer"),
        ("7.5", "Input should be a valid integer, unable to parse string as an integer"),
        ("-1", "Input should be greater than or equal to 0"),
        ("36501", "Input should be less than or equal to 36500"),
        ("", "Input should be a valid integer, unable to parse string as an integer"),
    ],
)
def test_a_malformed_backdating_grace_in_the_environment_stops_the_service(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("BEGROTING_BACKDATING_GRACE", value)

    with pytest.raises(ConfigurationError) as caught:
        load_settings()

    assert str(caught.value) == f"invalid settings: backdating_grace: {message}"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("true", "a whole number of days, such as 7"),
        ("7.5", "Input should be a valid integer, got a number with a fractional part"),
        ('"P7D"', "Input should be a valid integer, unable to parse string as an integer"),
    ],
)
def test_a_malformed_backdating_grace_in_the_file_stops_the_service(
    tmp_path: Path, toml: str, message: str
) -> None:
    config = tmp_path / "begroting.toml"
    config.write_text(f"backdating_grace = {toml}\n")

    with pytest.raises(ConfigurationError) as caught:
        load_settings(str(config))

    assert str(caught.value) == f"invalid settings: backdating_grace: {message}"


# -- serving: a PostgreSQL schema, workers (ADR 0036) ----------------------------------

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def test_a_schema_and_workers_from_flags_the_environment_or_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "begroting.toml"
    config.write_text(f'db_url = "{POSTGRES}"\ndb_schema = "gemeente"\nworkers = 2\n')
    from_file = load_settings(str(config))
    monkeypatch.setenv("BEGROTING_WORKERS", "3")
    from_environment = load_settings(str(config))

    assert (from_file.db_schema, from_file.workers) == ("gemeente", 2)
    assert (from_environment.db_schema, from_environment.workers) == ("gemeente", 3)
    assert load_settings(str(config), db_schema="andere", workers=4).database.schema == "andere"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"db_schema": "gemeente"},
            "invalid settings: settings: db_schema is a PostgreSQL setting: a SQLite URL names "
            "its file",
            id="schema-on-sqlite",
        ),
        pytest.param(
            {"db_url": POSTGRES, "db_schema": "Gemeente-1"},
            "invalid settings: db_schema: 'Gemeente-1' is not a schema name: lowercase "
            "letters, digits and _, not starting with a digit, at most 63",
            id="schema-not-a-name",
        ),
        pytest.param(
            {"workers": 0},
            "invalid settings: workers: Input should be greater than or equal to 1",
            id="no-workers",
        ),
        pytest.param(
            {"workers": 65},
            "invalid settings: workers: Input should be less than or equal to 64",
            id="too-many-workers",
        ),
    ],
)
def test_a_schema_or_workers_out_of_bounds_fail_fast(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(**overrides)

    assert str(caught.value) == message


def test_a_worker_process_reads_back_the_settings_its_parent_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "begroting.toml"
    config.write_text("backdating_grace = 3\nmax_open_ledgers = 4\n")
    resolved = load_settings(
        str(config), db_url=POSTGRES, db_schema="gemeente", port=8123, workers=2
    )
    defaults = environment(Settings())
    for name, value in environment(resolved).items():
        monkeypatch.setenv(name, value)

    assert load_settings().model_dump() == resolved.model_dump()
    assert "BEGROTING_DB_SCHEMA" in environment(resolved)
    assert "BEGROTING_DB_SCHEMA" not in defaults  # none: not the text "None"
