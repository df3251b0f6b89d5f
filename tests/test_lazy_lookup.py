"""compat.lookup_lazily gives the catalogues what mypy's lookup gives, without
reading the functions a warm cache has not read yet."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Project

PROBE_INI = f"""
[mypy]
plugins = {Path(__file__).with_name("lazy_lookup_probe.py")}
"""
# The standard library's part of the catalogue, all loaded from the cache on the
# second run (the target's edit re-checks it alone).
TARGET = """
import concurrent.futures, io, multiprocessing, os, shutil, socket, sqlite3, ssl
import smtplib, subprocess, tarfile, tempfile, threading, time, urllib.request, zipfile
X = {edit}
"""


def test_lazy_lookup_resolves_as_mypy(project: Project) -> None:
    project.write({"mypy.ini": PROBE_INI, "target.py": TARGET.format(edit="1")})
    assert project.mypy("target.py").status == 0
    found = project.root / "lazy.json"
    cold = json.loads(found.read_text())
    found.unlink()
    # An edit of another size: mypy takes a file of the same size and modification
    # second as unchanged, and the second run would check nothing.
    project.write({"target.py": TARGET.format(edit="1 + 1")})
    assert project.mypy("target.py").status == 0
    warm = json.loads(found.read_text())

    for run in (cold, warm):
        assert run["resolved"], "no catalogue name resolved"
        assert {name: lazy for name, (lazy, mypy) in run["resolved"].items() if lazy != mypy} == {}
    # Parsed from source, every node is read already; from the cache, functions are not.
    assert cold["unread"] == []
    assert len(warm["unread"]) > 40, warm["unread"]
    resolved = {name: lazy for name, (lazy, _) in warm["resolved"].items() if lazy}
    assert resolved["os.system"] == "os.system"
    assert resolved["subprocess.run"] == "subprocess.run"
    assert resolved["threading.Lock"] == "_thread.LockType"
    assert resolved["transactions: subprocess.check_output"] == "subprocess.check_output"
    assert resolved["transactions: smtplib.SMTP"] == "smtplib.SMTP"
