"""From findings to fixes: the types mypy inferred, spelled for the file, placed in it.

Variables and attributes take the type mypy inferred for them (the ``Var`` in mypy's
symbol tables). Functions take mypy's signature suggestion engine (``mypy.suggestions``,
the engine behind ``dmypy suggest``): it infers parameters from call sites and uses and
the return type from every ``return``. Both are formatted by mypy's own formatter and
then spelled as the file binds the names (``spelling.py``).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from mypy import build
from mypy.checkexpr import has_any_type
from mypy.main import process_options
from mypy.nodes import Decorator, FuncDef, SymbolTable, TypeInfo, Var
from mypy.server.update import FineGrainedBuildManager
from mypy.suggestions import SuggestionEngine, SuggestionFailure, TypeFormatter

from _mypy_llmtracekit_startup import register_code_names
from mypy_llmtracekit.fixing import source as S
from mypy_llmtracekit.fixing.model import Diagnostic, Fix, Import
from mypy_llmtracekit.fixing.spelling import FileFacts, Refused, Spelled, Speller, file_facts
from mypy_llmtracekit.fixing.unions import union_edit

# The package directory: a ``plugins`` entry naming a file in it is this plugin.
_PACKAGE_DIR: str = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Planner:
    """An in-process mypy build (fine-grained, so the suggestion engine can use it)."""

    fgm: FineGrainedBuildManager
    by_path: dict[str, str]
    engine: SuggestionEngine
    signatures: dict[str, dict[str, object] | str] = field(default_factory=dict)


def start(mypy_args: Sequence[str], shadows: dict[str, str]) -> Planner:
    """Build the program as mypy would, with ``shadows`` (path -> file) read instead."""
    args = [*mypy_args]
    for path, shadow in shadows.items():
        args += ["--shadow-file", path, shadow]
    sources, options = process_options(args, require_targets=True)
    # Without this plugin: its findings add nothing to the types (its hooks never
    # change one), but every target with an error is re-checked on each guess the
    # engine tries, which made a run on chainlit take hours.
    options.plugins = [p for p in options.plugins if not _is_this_plugin(p, options.config_file)]
    # ... so its code names, which the config may enable or disable, come from here
    register_code_names()
    options.incremental = True
    options.fine_grained_incremental = True
    options.use_fine_grained_cache = False
    options.cache_dir = os.devnull
    options.local_partial_types = True
    options.export_types = True
    result = build.build(sources=sources, options=options)
    fgm = FineGrainedBuildManager(result)
    by_path = {
        os.path.abspath(st.path): mod for mod, st in fgm.graph.items() if st.path is not None
    }
    return Planner(fgm, by_path, SuggestionEngine(fgm, json=True))


def _is_this_plugin(entry: str, config_file: str | None) -> bool:
    """Whether a ``plugins`` entry (a module, ``module:function`` or a file) names us."""
    head = entry.strip().partition(":")[0]
    if head.endswith(".py"):
        # mypy reads a relative path from the config file's directory
        base = os.path.dirname(os.path.abspath(config_file)) if config_file else os.getcwd()
        return os.path.dirname(os.path.abspath(os.path.join(base, head))) == _PACKAGE_DIR
    return head == "mypy_llmtracekit" or head.startswith("mypy_llmtracekit.")


def plan(
    planner: Planner, findings: list[Diagnostic], text: str
) -> tuple[list[Fix], list[tuple[Diagnostic, str]]]:
    """Fixes for one file's findings, and the findings left with their reason."""
    fixes: list[Fix] = []
    left: list[tuple[Diagnostic, str]] = []
    path = findings[0].path
    module = planner.by_path.get(os.path.abspath(path))
    try:
        src = S.load(path, text)
    except SyntaxError:
        return [], [(f, "file does not parse") for f in findings]
    if module is None or planner.fgm.graph[module].tree is None:
        return [], [(f, "module not in mypy's build") for f in findings]
    facts = file_facts(src.tree)
    speller = Speller(planner.fgm.graph, module, facts)
    _prefetch(planner, module, _functions(src, findings, module))
    for finding in findings:
        try:
            fixes.append(_fix(planner, src, speller, module, facts, finding))
        except Refused as why:
            left.append((finding, str(why)))
    return fixes, left


def _fix(
    planner: Planner,
    src: S.Source,
    speller: Speller,
    module: str,
    facts: FileFacts,
    finding: Diagnostic,
) -> Fix:
    key = (finding.line, finding.column)
    if finding.code == "ltk-optional-union":
        options = planner.fgm.manager.options
        runtime = facts.future_annotations or options.python_version >= (3, 10)
        quoted = src.text[S.offset(src, *key) : S.offset(src, *key) + 1] in ("'", '"')
        if not runtime and not quoted:
            raise Refused("X | None is not valid at run time for this Python version")
        edit = union_edit(src, finding, facts.future_annotations or quoted)
        return Fix(finding, [edit], [], finding.line, finding.end_line)
    if finding.code in ("ltk-untyped-module-var", "ltk-untyped-attribute"):
        return _variable(planner, src, speller, module, finding)
    if finding.code == "ltk-missing-return-annotation":
        return _function(planner, src, speller, module, finding, None)
    found = src.params.get(key)
    if found is None:
        raise Refused("parameter not found at the reported position")
    return _function(planner, src, speller, module, finding, found[0].arg)


def _variable(
    planner: Planner, src: S.Source, speller: Speller, module: str, finding: Diagnostic
) -> Fix:
    found = src.assigns.get((finding.line, finding.column))
    if found is None:
        raise Refused("not a plain assignment")
    stmt, target, chain = found
    if len(stmt.targets) != 1 or stmt.type_comment:
        raise Refused("not a single-target assignment")
    names, in_function = S.qualname(stmt, chain)
    var = _var(planner, module, target, names, in_function)
    if var is None or var.type is None:
        raise Refused("mypy has no type for it")
    if has_any_type(var.type):
        raise Refused("mypy infers Any")
    formatted = var.type.accept(
        TypeFormatter(module, planner.fgm.graph, planner.fgm.manager.options)
    )
    if formatted == "None":
        raise Refused("mypy infers only None (a placeholder)")
    spelled = speller.spell(formatted, stmt.lineno, evaluated=not in_function)
    if isinstance(target, ast.Name) and names and not in_function:
        spelled = _class_var(speller, _lookup(speller.tree.names, names), spelled)
    edit = S.target_edit(src, target, spelled.text)
    return Fix(finding, [edit], spelled.imports, stmt.lineno, stmt.end_lineno or stmt.lineno)


def _class_var(speller: Speller, info: object, spelled: Spelled) -> Spelled:
    """In a class whose annotated names are fields (dataclasses, attrs, pydantic, any
    ``dataclass_transform``, NamedTuple) an annotation would add a field: write
    ``ClassVar[T]``. Enums and TypedDicts are left alone."""
    if not isinstance(info, TypeInfo):
        raise Refused("class not found")
    if info.is_enum or info.typeddict_type is not None:
        raise Refused("an Enum or TypedDict body")
    classes = list(info.mro)
    if info.metaclass_type is not None:
        classes += info.metaclass_type.type.mro
    transforms = [c.dataclass_transform_spec for c in classes]
    fields = {"dataclass", "attrs"} & set(info.metadata) or info.is_named_tuple or any(transforms)
    if not fields:
        return spelled
    imports = list(spelled.imports)
    local = next(
        (n for n, sym in speller.tree.names.items() if sym.fullname == "typing.ClassVar"), None
    )
    if local is None and "ClassVar" in speller.tree.names:
        raise Refused('the file binds "ClassVar" to something else')
    if local is None:
        local = "ClassVar"
        imports.append(Import("typing", "ClassVar", False))
    inner = spelled.text.strip('"')
    text = f'"{local}[{inner}]"' if spelled.text.startswith('"') else f"{local}[{inner}]"
    return Spelled(text, imports)


def _var(
    planner: Planner, module: str, target: ast.expr, names: list[str], in_function: bool
) -> Var | None:
    tree = planner.fgm.graph[module].tree
    assert tree is not None
    if isinstance(target, ast.Name) and not names:
        node = tree.names.get(target.id)
        return node.node if node is not None and isinstance(node.node, Var) else None
    if isinstance(target, ast.Name) and not in_function:
        info = _lookup(tree.names, names)
        if not isinstance(info, TypeInfo):
            return None
        sym = info.names.get(target.id)
        return sym.node if sym is not None and isinstance(sym.node, Var) else None
    if isinstance(target, ast.Attribute) and in_function and len(names) >= 2:
        info = _lookup(tree.names, names[:-1])
        if not isinstance(info, TypeInfo):
            return None
        sym = info.names.get(target.attr)
        return sym.node if sym is not None and isinstance(sym.node, Var) else None
    return None


def _lookup(table: SymbolTable, names: list[str]) -> object:
    node: object = None
    for name in names:
        sym = table.get(name)
        if sym is None:
            return None
        node = sym.node
        if isinstance(node, Decorator):
            node = node.func
        if isinstance(node, TypeInfo):
            table = node.names
        elif name != names[-1]:
            return None
    return node


def _function(
    planner: Planner,
    src: S.Source,
    speller: Speller,
    module: str,
    finding: Diagnostic,
    param: str | None,
) -> Fix:
    if param is None:
        found = src.funcs.get((finding.line, finding.column))
    else:
        found = next(
            (
                (f, c)
                for (a, f, c) in src.params.values()
                if a.lineno == finding.line and a.col_offset == finding.column
            ),
            None,
        )
    if found is None:
        raise Refused("function not found at the reported position")
    func, chain = found
    names, in_function = S.qualname(func, chain)
    if in_function:
        raise Refused("a nested function (the suggestion engine skips them)")
    if param is None and any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(func)):
        raise Refused("a generator")
    tree = planner.fgm.graph[module].tree
    assert tree is not None
    node = _lookup(tree.names, names)
    if not isinstance(node, FuncDef):
        raise Refused("an overloaded or redefined function")
    signature = _suggest(planner, f"{module}.{'.'.join(names)}")
    line = func.lineno
    if param is None:
        formatted = str(signature["return_type"])
        spelled = speller.spell(formatted, line, evaluated=True)
        edit = S.return_edit(src, func, spelled.text)
        if edit is None:
            raise Refused("the signature's closing parenthesis was not found")
        return Fix(finding, [edit], spelled.imports, S.first_line(func), func.end_lineno or line)
    arg_types = signature["arg_types"]
    assert isinstance(arg_types, list)
    skip = 1 if node.info and node.has_self_or_cls_argument else 0
    try:
        index = node.arg_names.index(param) - skip
    except ValueError:
        raise Refused("parameter not in mypy's signature") from None
    if not 0 <= index < len(arg_types):
        raise Refused("parameter not in the suggested signature")
    spelled = speller.spell(str(arg_types[index]), line, evaluated=True)
    arg = next(a for (a, f, _) in src.params.values() if f is func and a.arg == param)
    edit = S.param_edit(src, arg, spelled.text)
    return Fix(finding, [edit], spelled.imports, S.first_line(func), func.end_lineno or line)


def _own_nodes(func: S.FuncNode) -> list[ast.AST]:
    """Nodes of the function's body, not of functions or classes nested in it."""
    out: list[ast.AST] = []
    pending: list[ast.AST] = list(func.body)
    while pending:
        node = pending.pop()
        out.append(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
            ):
                pending.append(child)
    return out


def _functions(src: S.Source, findings: list[Diagnostic], module: str) -> list[str]:
    """Full names of the top-level functions and methods the findings are about."""
    names: list[str] = []
    for finding in findings:
        key = (finding.line, finding.column)
        found = src.funcs.get(key)
        param = src.params.get(key)
        func, chain = found if found is not None else (param[1], param[2]) if param else (None, [])
        if func is None or finding.code not in (
            "ltk-missing-return-annotation",
            "ltk-missing-param-annotation",
        ):
            continue
        qual, nested = S.qualname(func, chain)
        name = f"{module}.{'.'.join(qual)}"
        if not nested and name not in names:
            names.append(name)
    return names


def _prefetch(planner: Planner, module: str, names: list[str]) -> None:
    """Suggest every signature of one module in one go: the engine re-checks the module
    once afterwards instead of once per function (what ``dmypy suggest`` does)."""
    todo = [n for n in names if n not in planner.signatures]
    if not todo:
        return
    engine = planner.engine
    with engine.restore_after(module), engine.with_export_types():
        for name in todo:
            planner.signatures[name] = _one(engine, name)


def _one(engine: SuggestionEngine, name: str) -> dict[str, object] | str:
    try:
        mod, _, node = engine.find_node(name)
        return dict(engine.get_suggestion(mod, node))
    except SuggestionFailure as why:
        return str(why)
    except (AssertionError, AttributeError, KeyError, TypeError, ValueError) as why:
        # the engine is mypy internals: never let one function stop the run
        return f"suggestion engine failed: {type(why).__name__}"


def _suggest(planner: Planner, fullname: str) -> dict[str, object]:
    cached = planner.signatures.get(fullname)
    if cached is None:
        cached = _one(planner.engine, fullname)
        planner.signatures[fullname] = cached
    if isinstance(cached, str):
        raise Refused(cached)
    return cached
