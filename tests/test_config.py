"""The [mypy_llmtracekit] settings: read from mypy's own config file, strict on errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PLUGIN_INI, Project

from mypy_llmtracekit import config

SLEEPY = """
import time
async def handler() -> None:
    time.sleep(1)
"""
SLEEP_LINE = (
    'main.py:3: error: Blocking call "time.sleep" in async function "handler" stalls the '
    "event loop; use await asyncio.sleep(...)  [ltk-blocking-io]"
)


def test_defaults_without_config_file() -> None:
    assert config.load(None).values() == config.Settings().values()


def test_every_setting_is_a_key() -> None:
    """``values()`` (and so the fingerprint) covers every attribute of the settings."""
    assert list(vars(config.Settings())) == list(config.Settings().values())


def test_ini_lists_split_on_commas_and_newlines(tmp_path: Path) -> None:
    ini = tmp_path / "mypy.ini"
    ini.write_text(
        "[mypy]\n[mypy_llmtracekit]\n"
        "blocking_io_extra = a.b, c.d\n    e.f\n"
        "obvious_calls = app.load\n"
    )
    settings = config.load(str(ini))
    assert settings.blocking_io_extra == ("a.b", "c.d", "e.f")
    assert settings.obvious_calls == ("app.load",)
    assert settings.blocking_io_exempt == ()


def test_pyproject_table(tmp_path: Path) -> None:
    toml = tmp_path / "pyproject.toml"
    toml.write_text('[tool.mypy_llmtracekit]\nblocking_io_exempt = ["time.sleep"]\n')
    assert config.load(str(toml)).blocking_io_exempt == ("time.sleep",)


def test_single_values_are_not_split(tmp_path: Path) -> None:
    ini = tmp_path / "mypy.ini"
    ini.write_text(
        "[mypy_llmtracekit]\nsql_view_prefix = tenant_\nsql_account_setting = app.tenant\n"
    )
    settings = config.load(str(ini))
    assert (settings.sql_view_prefix, settings.sql_account_setting) == ("tenant_", "app.tenant")


def test_fingerprint_changes_with_settings() -> None:
    assert config.Settings().fingerprint() != config.Settings(obvious_calls=("a.b",)).fingerprint()


@pytest.mark.parametrize(
    ("config_name", "text", "expected"),
    [
        (
            "mypy.ini",
            PLUGIN_INI + "[mypy_llmtracekit]\nblocking_io_extras = a.b\n",
            "mypy: error: mypy.ini: [mypy_llmtracekit] unknown key 'blocking_io_extras'; "
            "allowed keys: background_task_helper, blocking_io_exempt, blocking_io_extra, "
            "obvious_calls, sql_account_setting, sql_classes, sql_exempt_tables, sql_view_prefix, "
            "transaction_io_exempt, transaction_io_extra",
        ),
        (
            "mypy.ini",
            PLUGIN_INI + "[mypy_llmtracekit]\nblocking_io_exempt = time.sleep, sleep\n",
            "mypy: error: mypy.ini: [mypy_llmtracekit] blocking_io_exempt: 'sleep' is not "
            "valid; expected a list of dotted names with a module, e.g. time.sleep, "
            "mylib.Client (every method) or mylib.Client.fetch",
        ),
        (
            "pyproject.toml",
            '[tool.mypy]\nplugins = ["mypy_llmtracekit"]\n'
            '[tool.mypy_llmtracekit]\nobvious_calls = "app.load"\n',
            "mypy: error: pyproject.toml: [tool.mypy_llmtracekit] obvious_calls: expected a "
            "list of dotted names of functions or classes, e.g. app.settings.load; got 'app.load'",
        ),
        (
            "pyproject.toml",
            '[tool.mypy]\nplugins = ["mypy_llmtracekit"]\n'
            '[tool.mypy_llmtracekit]\nblocking_io_extra = ["lib.Client", 3]\n',
            "mypy: error: pyproject.toml: [tool.mypy_llmtracekit] blocking_io_extra: expected a "
            "list of dotted names with a module, e.g. time.sleep, mylib.Client (every method) "
            "or mylib.Client.fetch; got ['lib.Client', 3]",
        ),
        (
            "pyproject.toml",
            '[tool.mypy]\nplugins = ["mypy_llmtracekit"]\n'
            '[tool.mypy_llmtracekit]\nblocking_io_extra = ["lib..Client"]\n',
            "mypy: error: pyproject.toml: [tool.mypy_llmtracekit] blocking_io_extra: "
            "'lib..Client' is not valid; expected a list of dotted names with a module, "
            "e.g. time.sleep, mylib.Client (every method) or mylib.Client.fetch",
        ),
        (
            "mypy.ini",
            PLUGIN_INI + "[mypy_llmtracekit]\nsql_view_prefix = account views\n",
            "mypy: error: mypy.ini: [mypy_llmtracekit] sql_view_prefix: 'account views' is not "
            "valid; expected one SQL identifier prefix, e.g. account_",
        ),
        (
            "pyproject.toml",
            '[tool.mypy]\nplugins = ["mypy_llmtracekit"]\n'
            '[tool.mypy_llmtracekit]\nsql_account_setting = ["olly.account_id"]\n',
            "mypy: error: pyproject.toml: [tool.mypy_llmtracekit] sql_account_setting: expected "
            "one PostgreSQL setting name, e.g. olly.account_id; got ['olly.account_id']",
        ),
    ],
)
def test_bad_setting_stops_the_run(
    project: Project, config_name: str, text: str, expected: str
) -> None:
    project.write({config_name: text, "main.py": SLEEPY})
    result = project.mypy("main.py")
    assert result.status == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [expected]


@pytest.mark.parametrize(
    ("config_name", "text"),
    [
        ("mypy.ini", PLUGIN_INI),
        ("setup.cfg", PLUGIN_INI),
        ("pyproject.toml", '[tool.mypy]\nplugins = ["mypy_llmtracekit"]\n'),
    ],
)
def test_enabled_by_each_config_file(project: Project, config_name: str, text: str) -> None:
    project.write({config_name: text, "main.py": SLEEPY})
    result = project.mypy("main.py")
    assert result.lines == [SLEEP_LINE]
    assert result.status == 1


@pytest.mark.parametrize(
    ("config_name", "text"),
    [
        ("mypy.ini", PLUGIN_INI + "[mypy_llmtracekit]\nblocking_io_exempt = time.sleep\n"),
        (
            "pyproject.toml",
            '[tool.mypy]\nplugins = ["mypy_llmtracekit"]\n'
            '[tool.mypy_llmtracekit]\nblocking_io_exempt = ["time.sleep"]\n',
        ),
    ],
)
def test_settings_read_from_the_file_mypy_uses(
    project: Project, config_name: str, text: str
) -> None:
    project.write({config_name: text, "main.py": SLEEPY})
    result = project.mypy("main.py")
    assert result.lines == []
    assert result.status == 0
