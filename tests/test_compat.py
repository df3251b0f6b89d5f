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


WALKED = """
import asyncio
from typing import cast

class Base:
    def __init__(self, x: int) -> None:
        self.x = x

class Child(Base):
    def __init__(self) -> None:
        super().__init__(len(str(1)))
        self.y = [f(a) for a in g() if h(a)]
        self.z = {k(a): v(b) for a, b in pairs() if keep(a)}
        self.w = [m(a, b) for a in xs() for b in ys(a) if ok(b)]

def f(a: object) -> int: return 1
def g() -> list[int]: return []
def h(a: object) -> bool: return True
def k(a: object) -> str: return ""
def v(a: object) -> int: return 1
def m(a: object, b: object) -> int: return 1
def xs() -> list[int]: return []
def ys(a: object) -> list[int]: return []
def ok(a: object) -> bool: return True
def keep(a: object) -> bool: return True
def pairs() -> list[tuple[int, int]]: return []

def plain(items: list[int], d: dict[str, int]) -> int:
    total = f(g()) + v(h(1))
    d[k(total)] = v(total)
    total += f(total)
    x, y = pairs()[f(1) + v(2)]
    if h(x) and ok(y):
        total += m(x, y)
    elif keep(x):
        total -= f(y)
    else:
        pass
    for i in xs():
        while ok(i):
            i = v(i)
        else:
            f(i)
    with open(k(1)) as fh, open(k(2)) as gh:
        fh.write(k(gh.read()))
    try:
        f(1)
    except (ValueError, TypeError):
        f(2)
    else:
        f(3)
    finally:
        f(4)
    assert ok(total), k(total)
    del d[k(0)]
    return f(total) if ok(total) else v(total)

def tricky(items: list[int]) -> object:
    s = sorted(items, key=lambda i: f(i))
    c = cast(int, f(g()))
    def inner() -> int:
        return f(1)
    try:
        f(5)
    except (ValueError if ok(1) else TypeError):
        f(6)
    lst = [0]
    lst[f(1)] += v(2)
    d = {"a": 1}
    d["a"] += f(1)
    q, r = divmod(f(1), v(2))
    match f(1):
        case 1 if ok(2):
            f(3)
        case _:
            f(4)
    return s, c, inner, q, r

async def coro() -> None:
    await asyncio.sleep(f(1))
    async with asyncio.timeout(v(1)):
        await asyncio.sleep(f(2))
"""


def test_compiled_traverser_visits_calls_in_the_walks_order(tmp_path: Path) -> None:
    """walker.calls_in and walker.body_calls read calls through mypy's compiled
    traverser (compat.subexpressions): where they answer, the calls and their order
    must be those of the walks' own traversal of the same nodes; they must answer
    for the plain bodies and give up on the others."""
    from mypy import build
    from mypy.modulefinder import BuildSource
    from mypy.nodes import AssignmentStmt, CallExpr, Expression, FuncDef, WithStmt
    from mypy.options import Options

    from mypy_llmtracekit import walker

    options = Options()
    options.incremental = False
    options.preserve_asts = True
    result = build.build([BuildSource(None, "walked", WALKED)], options)
    tree = result.files["walked"]

    def reference_calls(roots: list) -> list[CallExpr]:
        return [n for n in walker.own_nodes(roots) if isinstance(n, CallExpr)]

    functions: dict[str, FuncDef] = {}
    answered: set[str] = set()
    for node in walker.own_nodes(tree.defs):
        if isinstance(node, Expression) and not isinstance(node, walker.LambdaExpr):
            quick = walker.calls_in(node)
            if quick is not None:
                assert quick == reference_calls([node])
    stack = list(tree.defs)
    while stack:
        node = stack.pop()
        if isinstance(node, FuncDef):
            functions[node.fullname] = node
        stack.extend(getattr(getattr(node, "defs", None), "body", []))
    for name, func in functions.items():
        assignments: list = []
        quick = walker.body_calls(func.body, assignments)
        if quick is None:
            continue
        answered.add(name)
        assert quick == reference_calls(func.body.body), name
        expected = [
            n
            for n in walker.own_statements(func.body.body)
            if isinstance(n, (AssignmentStmt, WithStmt))
        ]
        assert assignments == expected, name
        nested: list = []
        assert walker.own_calls(func.body.body, nested) == quick
    assert answered >= {"walked.plain", "walked.coro", "walked.Base.__init__", "walked.f"}
    # A lambda, cast(), divmod(), a nested def, a call in an except clause's type,
    # calls on both sides of an augmented assignment, a match: walked the other way.
    assert not answered & {"walked.tricky", "walked.Child.__init__"}
