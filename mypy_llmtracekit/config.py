"""The plugin's settings, read from the config file mypy itself uses.

``mypy.ini`` / ``setup.cfg``::

    [mypy_llmtracekit]
    blocking_io_extra = mylib.client.LegacyClient, mylib.files.read_blob
    blocking_io_exempt = pathlib.Path.mkdir
    obvious_calls = app.settings.load_settings

``pyproject.toml``::

    [tool.mypy_llmtracekit]
    blocking_io_extra = ["mylib.client.LegacyClient", "mylib.files.read_blob"]

A bad setting stops the run with one line naming the file, the key and what is
allowed, and exit status 2 (the status mypy uses for usage errors).
"""

from __future__ import annotations

import configparser
import functools
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from mypy_llmtracekit import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

INI_SECTION = "mypy_llmtracekit"
TOML_TABLE = "tool.mypy_llmtracekit"

# Patterns of the values, compiled on first use (most configs set nothing).
_DOTTED_NAME = r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+"
_SQL_NAME = r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?"
_SQL_PREFIX = r"[A-Za-z_][A-Za-z0-9_$]*"
_SETTING_NAME = r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*"
_API_NAME_HELP = (
    "a list of dotted names with a module, e.g. time.sleep, mylib.Client (every method) "
    "or mylib.Client.fetch"
)


class Settings:
    """Every setting of the plugin, with its default; ``values()`` by name.

    A plain class: defining it costs nothing at plugin load (every run), where a
    NamedTuple cost 1.2M instructions and a frozen dataclass 3.5M.
    """

    def __init__(
        self,
        *,
        # Extra blocking APIs for ltk-blocking-io: functions, classes (all methods) or methods.
        blocking_io_extra: tuple[str, ...] = (),
        # APIs that ltk-blocking-io must never flag, even if the catalogue lists them.
        blocking_io_exempt: tuple[str, ...] = (),
        # More external-I/O APIs for ltk-io-in-transaction, and APIs it must never flag.
        transaction_io_extra: tuple[str, ...] = (),
        transaction_io_exempt: tuple[str, ...] = (),
        # Callables whose result makes a variable's or attribute's type obvious.
        obvious_calls: tuple[str, ...] = (),
        # The project's helpers that create background tasks (ltk-background-task).
        background_task_helper: tuple[str, ...] = (),
        # More DB connection classes whose queries the SQL rules check.
        sql_classes: tuple[str, ...] = (),
        # Tables the SQL rules never flag (e.g. tables without an account column).
        sql_exempt_tables: tuple[str, ...] = (),
        # The prefix of the per-account views SELECTs must read.
        sql_view_prefix: str = "account_",
        # The setting INSERTs must take the account from: CURRENT_SETTING('<this>').
        sql_account_setting: str = "olly.account_id",
    ) -> None:
        self.blocking_io_extra = blocking_io_extra
        self.blocking_io_exempt = blocking_io_exempt
        self.transaction_io_extra = transaction_io_extra
        self.transaction_io_exempt = transaction_io_exempt
        self.obvious_calls = obvious_calls
        self.background_task_helper = background_task_helper
        self.sql_classes = sql_classes
        self.sql_exempt_tables = sql_exempt_tables
        self.sql_view_prefix = sql_view_prefix
        self.sql_account_setting = sql_account_setting

    def values(self) -> dict[str, object]:
        """Every setting by its name in the config file."""
        return {name: getattr(self, name) for name in _KEYS}

    def fingerprint(self) -> str:
        """A digest of every setting: mypy stores it with each module's cache, and a
        change invalidates it. (A digest, not the settings themselves: mypy reads
        this back from every module's cache entry on a warm run.)"""
        view = {name: _jsonable(value) for name, value in self.values().items()}
        return hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()[:16]


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


class _Key:
    """How one setting is written and checked (a plain class, as ``Settings``)."""

    def __init__(self, is_list: bool, pattern: str, help: str) -> None:
        self.is_list = is_list
        self.pattern = pattern
        self.help = help


_KEYS: dict[str, _Key] = {
    "blocking_io_extra": _Key(True, _DOTTED_NAME, _API_NAME_HELP),
    "blocking_io_exempt": _Key(True, _DOTTED_NAME, _API_NAME_HELP),
    "transaction_io_extra": _Key(True, _DOTTED_NAME, _API_NAME_HELP),
    "transaction_io_exempt": _Key(True, _DOTTED_NAME, _API_NAME_HELP),
    "obvious_calls": _Key(
        True, _DOTTED_NAME, "a list of dotted names of functions or classes, e.g. app.settings.load"
    ),
    "background_task_helper": _Key(
        True,
        _DOTTED_NAME,
        "a list of dotted names of functions, e.g. common.tasks.create_background_task",
    ),
    "sql_classes": _Key(
        True, _DOTTED_NAME, "a list of dotted class names, e.g. common.db.DBConnection"
    ),
    "sql_exempt_tables": _Key(
        True, _SQL_NAME, "a list of table names, optionally schema-qualified, e.g. migrations"
    ),
    "sql_view_prefix": _Key(False, _SQL_PREFIX, "one SQL identifier prefix, e.g. account_"),
    "sql_account_setting": _Key(
        False, _SETTING_NAME, "one PostgreSQL setting name, e.g. olly.account_id"
    ),
}


class ConfigError(Exception):
    """A bad setting: the message is the one line the user sees."""


def load(config_file: str | None) -> Settings:
    """Read the settings from mypy's config file (``None``: defaults).

    Raises ConfigError for a bad setting.
    """
    if config_file is None:
        return Settings()
    path = Path(config_file)
    if path.suffix == ".toml":
        raw = _read_toml(path)
    else:
        raw = _read_ini(path)
    return _build(path, raw)


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read [{TOML_TABLE}]: {exc}") from exc
    table = document.get("tool", {}).get(INI_SECTION, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{TOML_TABLE}] must be a table")
    return {str(key): value for key, value in table.items()}


def _read_ini(path: Path) -> dict[str, object]:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        raise ConfigError(f"{path}: cannot read [{INI_SECTION}]: {exc}") from exc
    if not parser.has_section(INI_SECTION):
        return {}
    return {key: _ini_value(key, value) for key, value in parser.items(INI_SECTION)}


def _ini_value(key: str, value: str) -> object:
    """In an ini file every value is text: lists are comma- or newline-separated."""
    spec = _KEYS.get(key)
    if spec is not None and not spec.is_list:
        return value.strip()
    return [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]


def _build(path: Path, raw: dict[str, object]) -> Settings:
    section = f"[{TOML_TABLE}]" if path.suffix == ".toml" else f"[{INI_SECTION}]"
    values: dict[str, Any] = {}
    for key, value in raw.items():
        spec = _KEYS.get(key)
        if spec is None:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{path}: {section} unknown key {key!r}; allowed keys: {known}")
        where = f"{path}: {section} {key}"
        values[key] = (
            _checked_list(where, value, spec) if spec.is_list else _checked(where, value, spec)
        )
    return Settings(**values)


def _checked(where: str, value: object, spec: _Key) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected {spec.help}; got {value!r}")
    if not re.fullmatch(spec.pattern, value):
        raise ConfigError(f"{where}: {value!r} is not valid; expected {spec.help}")
    return value


def _checked_list(where: str, value: object, spec: _Key) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected {spec.help}; got {value!r}")
    for item in value:
        if not re.fullmatch(spec.pattern, item):
            raise ConfigError(f"{where}: {item!r} is not valid; expected {spec.help}")
    return tuple(value)


# --- the plugin's identity: what mypy stores with each module's cache ----------


def announce_identity(config_data: dict[str, Any]) -> None:
    """Make the settings and the plugin's code part of its identity for the daemon.

    ``dmypy run`` restarts the daemon when a plugin's snapshot (its module's
    ``__version__`` and the hash of that one file) changed; mypy's own options do
    not include our section, so a changed ``[mypy_llmtracekit]`` (or an upgraded
    rule module) would otherwise go unnoticed. The local version label is a hash
    of the settings and of the plugin's files.
    """
    package = sys.modules.get("mypy_llmtracekit")
    if package is None:
        return
    identity = f"{config_data['settings']}|{config_data['code']}"
    label = hashlib.sha256(identity.encode()).hexdigest()[:12]
    setattr(package, "__version__", f"{__version__}+run.{label}")


# The plugin's code: its modules and its catalogue data.
_CODE_SUFFIXES = (".py", ".toml")


@functools.cache
def code_fingerprint() -> str:
    """A hash of the plugin's own files: a changed rule invalidates mypy's cache too.

    Installed from a wheel, the hashes its installer recorded (the RECORD file beside
    the package: one small read, the same on every reinstall of the same files);
    from a source checkout (an editable install), the files themselves.
    """
    package = os.path.dirname(os.path.abspath(__file__))  # this module's folder
    digest = hashlib.sha256()
    recorded = _recorded_hashes(package)
    if recorded:
        for row in recorded:
            digest.update(row.encode())
        return digest.hexdigest()[:16]
    for relative, path in _source_files(package):
        digest.update(relative.encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:16]


def _recorded_hashes(package: str) -> list[str]:
    """The wheel's RECORD rows (path and sha256) of the package's code, sorted."""
    record = os.path.join(
        os.path.dirname(package), f"mypy_llmtracekit-{__version__}.dist-info", "RECORD"
    )
    try:
        with open(record, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    prefix = os.path.basename(package) + "/"
    rows = []
    for line in lines:
        path, _, rest = line.partition(",")
        if path.startswith(prefix) and path.endswith(_CODE_SUFFIXES) and "sha256=" in rest:
            rows.append(f"{path},{rest.partition(',')[0]}")
    return sorted(rows)


def _source_files(package: str) -> list[tuple[str, str]]:
    """Every ``.py`` and ``.toml`` file of the package: (relative path, path), sorted."""
    found = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(_CODE_SUFFIXES):
                path = os.path.join(folder, name)
                found.append((os.path.relpath(path, package).replace(os.sep, "/"), path))
    return sorted(found)
