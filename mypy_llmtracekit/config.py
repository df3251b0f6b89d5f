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
import re
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

INI_SECTION = "mypy_llmtracekit"
TOML_TABLE = "tool.mypy_llmtracekit"

_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")
_API_NAME_HELP = (
    "a list of dotted names with a module, e.g. time.sleep, mylib.Client (every method) "
    "or mylib.Client.fetch"
)


@dataclass(frozen=True)
class Settings:
    """Every setting of the plugin, with its default."""

    # Extra blocking APIs for ltk-blocking-io: functions, classes (all methods) or methods.
    blocking_io_extra: tuple[str, ...] = ()
    # APIs that ltk-blocking-io must never flag, even if the catalogue lists them.
    blocking_io_exempt: tuple[str, ...] = ()
    # Callables whose result makes a module variable's type obvious.
    obvious_calls: tuple[str, ...] = ()

    def fingerprint(self) -> dict[str, Any]:
        """Return a JSON-ready view; mypy stores it in its cache to detect changes."""
        return {f.name: list(getattr(self, f.name)) for f in fields(self)}


_KEY_HELP: dict[str, str] = {
    "blocking_io_extra": _API_NAME_HELP,
    "blocking_io_exempt": _API_NAME_HELP,
    "obvious_calls": "a list of dotted names of functions or classes, e.g. app.settings.load",
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
    return {key: _split_ini_list(value) for key, value in parser.items(INI_SECTION)}


def _split_ini_list(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]


def _build(path: Path, raw: dict[str, object]) -> Settings:
    section = f"[{TOML_TABLE}]" if path.suffix == ".toml" else f"[{INI_SECTION}]"
    values: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        allowed = _KEY_HELP.get(key)
        if allowed is None:
            known = ", ".join(sorted(_KEY_HELP))
            raise ConfigError(f"{path}: {section} unknown key {key!r}; allowed keys: {known}")
        values[key] = _dotted_names(path, section, key, value, allowed)
    return Settings(**values)


def _dotted_names(
    path: Path, section: str, key: str, value: object, allowed: str
) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {section} {key}: expected {allowed}; got {value!r}")
    for item in value:
        if not _DOTTED_NAME.fullmatch(item):
            raise ConfigError(
                f"{path}: {section} {key}: {item!r} is not a dotted name; expected {allowed}"
            )
    return tuple(value)
