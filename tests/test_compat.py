"""Every use of mypy internals (mypy_llmtracekit.compat) against the installed mypy."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Project
from mypy.nodes import GDEF, MypyFile, SymbolTable, SymbolTableNode

from mypy_llmtracekit import compat
from mypy_llmtracekit.names import PendingNames

PROBE_INI = f"""
[mypy]
plugins = {Path(__file__).with_name("compat_probe.py")}
[mypy-target]
disallow_untyped_defs = True
[mypy-quiet]
ignore_errors = True
"""


def test_compat_functions_on_the_installed_mypy(project: Project) -> None:
    project.write(
        {
            "mypy.ini": PROBE_INI,
            "other.py": "class Thing:\n    pass\n",
            "quiet.py": "X = None\n",
            "target.py": """
                import other
                import quiet
                def make() -> other.Thing:
                    return other.Thing()
                mapping = {"a": make()}
                labels = ["a".upper(), "b".lower()]
            """,
        }
    )
    result = project.mypy("target.py")
    assert result.stdout.splitlines() == ["target.py:5: error: probe finding  [ltk-probe]"]
    seen = json.loads((project.root / "compat.json").read_text())
    assert seen == {
        "current_outside_checking": True,
        "observed_during_checking": True,
        # CheckerWatch, bound on the instance: told once (two method calls).
        "watch_noted": 1,
        "found_module": "target",
        "silenced": False,
        "silenced_path": False,
        "quiet_silenced": True,
        "options_module": True,
        "type_of_value": "dict[str, other.Thing]",
        "probe_enabled": True,
        "misc_enabled": False,
        "daemon": False,
        # The suite installs the anchor where a wheel does (conftest.py); batch
        # runs never add it.
        "anchor_reachable": True,
        "needs_anchor": False,
        "location": [5, 10, 5, 23],
    }


def _tree(name: str) -> MypyFile:
    tree = MypyFile([], [])
    tree._fullname = name
    tree.names = SymbolTable()  # as mypy sets it right after parsing
    return tree


def test_lookup_stamp_changes_with_what_a_lookup_reads() -> None:
    pkg = _tree("pkg")
    modules = {"pkg": pkg}
    stamp = compat.lookup_stamp("pkg.mod.Name", modules)
    assert stamp == (1, pkg, 0)
    assert compat.lookup_unchanged(stamp, modules)
    # A longer prefix appears (the table grows), the module is replaced (loaded
    # from the cache in a -n worker), or its names are filled (analysed).
    assert not compat.lookup_unchanged(stamp, {**modules, "pkg.mod": _tree("pkg.mod")})
    assert not compat.lookup_unchanged(stamp, {"pkg": _tree("pkg")})
    pkg.names["Name"] = SymbolTableNode(GDEF, None)
    assert not compat.lookup_unchanged(stamp, modules)
    assert compat.lookup_stamp("absent.Name", modules) == (1, None, 0)
    assert compat.lookup_stamp("toplevel", modules) == (1, None, 0)


def test_pending_names_wait_for_their_tables_to_change() -> None:
    pkg = _tree("pkg")
    modules = {"pkg": pkg}
    tried: list[str] = []

    def resolve(kind: str, name: str) -> bool:
        tried.append(name)
        return name in pkg.names

    pending = PendingNames()
    pending.add("function", ["pkg.f", "pkg.g"])
    pending.resolve_loaded(modules, lambda k, n: resolve(k, n.rpartition(".")[2]), modules)
    pending.resolve_loaded(modules, lambda k, n: resolve(k, n.rpartition(".")[2]), modules)
    assert tried == ["f", "g"]  # the second refresh read the same tables: no lookup
    pkg.names["f"] = SymbolTableNode(GDEF, None)
    pending.resolve_loaded(modules, lambda k, n: resolve(k, n.rpartition(".")[2]), modules)
    assert tried == ["f", "g", "f", "g"]
    assert pending.names() == ["pkg.g"]
    # Without the table (the daemon), every refresh tries again.
    pending.resolve_loaded(modules, lambda k, n: resolve(k, n.rpartition(".")[2]))
    assert tried == ["f", "g", "f", "g", "g"]


def test_pending_names_look_at_new_packages_only_when_some_were_loaded() -> None:
    pkg, other = _tree("pkg"), _tree("other")
    modules = {"pkg": pkg}
    tried: list[str] = []

    def resolve(kind: str, name: str) -> bool:
        tried.append(name)
        module = modules.get(name.partition(".")[0])
        return module is not None and name.rpartition(".")[2] in module.names

    pending = PendingNames()
    pending.add("function", ["pkg.f", "other.h", "pkg.g"])
    loaded = {"pkg"}
    pending.resolve_loaded(loaded, resolve, modules)
    assert tried == ["pkg.f", "pkg.g"]
    pkg.names["g"] = SymbolTableNode(GDEF, None)
    pending.resolve_loaded(loaded, resolve, modules)  # the same packages: pkg's names
    assert tried == ["pkg.f", "pkg.g", "pkg.f", "pkg.g"]
    assert pending.names() == ["other.h", "pkg.f"]
    # A module of another package joins the table (a new set of packages).
    modules["other"] = other
    other.names["h"] = SymbolTableNode(GDEF, None)
    pending.resolve_loaded({"pkg", "other"}, resolve, modules)
    assert tried[4:] == ["other.h", "pkg.f"]
    assert pending.names() == ["pkg.f"]


def test_checker_watch_outside_checking_and_under_the_daemon() -> None:
    # With a checker at work: test_compat_functions_on_the_installed_mypy.
    changes: list[str] = []
    watch = compat.CheckerWatch(lambda: changes.append("changed"), None)
    watch.hook("builtins.len")  # answers None: no hook for any name
    assert changes == []  # no checker at work and none noted: nothing changed
    in_sync = [True]
    daemon = compat.CheckerWatch(lambda: changes.append("synced"), lambda: in_sync[0])
    daemon.hook("builtins.len")
    assert changes == []
    in_sync[0] = False  # the daemon reset its error list
    daemon.hook("builtins.len")
    assert changes == ["synced"]


def test_checker_watch_never_raises() -> None:
    def broken() -> None:
        raise RuntimeError("plugin bug")

    watch = compat.CheckerWatch(broken, lambda: False)
    watch.hook("builtins.len")  # answers None: no hook for any name
