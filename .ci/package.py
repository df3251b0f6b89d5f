"""CI: build the sdist and the wheel, check them, and run the README example from the wheel.

    python .ci/package.py

Builds with ``python -m build`` into a temporary directory, runs ``twine check``,
checks that the wheel holds every module and data file, installs the wheel
into a fresh virtualenv (nothing of this checkout importable), copies
``examples/`` next to it and runs the README's "Try it" command there: the output
must be the README's, line for line, and so must ``dmypy run`` with the same arguments.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every module of both packages (a subpackage left out of pyproject.toml once
# shipped a wheel without `fix`), their markers and data, and the start-up hook.
IN_WHEEL = (
    *(
        path.relative_to(ROOT).as_posix()
        for package in ("mypy_llmtracekit", "mypy_llmtracekit_anchor")
        for path in sorted((ROOT / package).rglob("*"))
        if path.suffix in (".py", ".typed", ".toml") and "__pycache__" not in path.parts
    ),
    # The JSON twins of the data files, written by setup.py (data_files.py).
    *(
        path.relative_to(ROOT).with_suffix(".json").as_posix()
        for path in sorted((ROOT / "mypy_llmtracekit" / "data").glob("*.toml"))
    ),
    "_mypy_llmtracekit_startup.py",
    "mypy_llmtracekit_startup.pth",
)
# In the installed wheel, every data file is read from its twin (not re-parsed).
TWINS_CURRENT = """
import json, os
from mypy_llmtracekit import data_files
for name in sorted(os.listdir(data_files.DATA_DIR)):
    if name.endswith(".toml"):
        base = os.path.join(data_files.DATA_DIR, name[: -len(".toml")])
        with open(base + ".toml", "rb") as toml, open(base + ".json") as twin:
            assert json.load(twin)["toml_crc32"] == data_files.checksum(toml.read()), name
print("twins current")
"""


def run(*args: str | Path, cwd: Path = ROOT) -> str:
    """Run a command; on failure print its output and stop."""
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(
            f"package: {' '.join(map(str, args))} failed ({done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    return done.stdout


def readme_example() -> tuple[str, str, list[str]]:
    """The "Try it" section's command (after ``cd examples &&``), its output, and the
    packages it installs beside the project (``pip install . httpx``)."""
    text = (ROOT / "README.md").read_text()
    match = re.search(r"## Try it.*?```sh\n(.*?)```\s*```\n(.*?)```", text, re.S)
    if match is None:
        sys.exit("package: no 'Try it' command and output in README.md")
    full = match.group(1).strip()
    command = full.rpartition("cd examples && ")[2]
    install = re.search(r"pip install \. ?([^&]*)", full)
    extra = install.group(1).split() if install is not None else []
    return command, match.group(2), extra


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="ltk-package-"))
    try:
        dist = work / "dist"
        run(sys.executable, "-m", "build", "--outdir", dist, ROOT)
        built = sorted(dist.iterdir())
        wheels = [p for p in built if p.suffix == ".whl"]
        sdists = [p for p in built if p.name.endswith(".tar.gz")]
        if len(wheels) != 1 or len(sdists) != 1:
            sys.exit(f"package: expected one wheel and one sdist, got {built}")
        print(run(sys.executable, "-m", "twine", "check", "--strict", *built).strip())
        names = set(zipfile.ZipFile(wheels[0]).namelist())
        missing = [name for name in IN_WHEEL if name not in names]
        if missing:
            sys.exit(f"package: the wheel lacks {missing}")

        venv = work / "venv"
        run(sys.executable, "-m", "venv", venv)
        python = venv / "bin" / "python"
        run(python, "-m", "pip", "install", "--quiet", wheels[0])
        shutil.copytree(
            ROOT / "examples",
            work / "examples",
            ignore=shutil.ignore_patterns(".mypy_cache", "__pycache__"),
        )
        command, expected, extra = readme_example()
        if extra:
            run(python, "-m", "pip", "install", "--quiet", *extra)
        argv = command.split()
        if argv[0] != "mypy":
            sys.exit(f"package: the README example is not a mypy command: {command}")
        done = subprocess.run(
            [python, "-m", "mypy", *argv[1:]], cwd=work / "examples", capture_output=True, text=True
        )
        if done.stdout != expected or done.returncode != 1:
            sys.exit(
                f"package: README example from the wheel differs (exit {done.returncode}):\n"
                f"{done.stdout}{done.stderr}"
            )
        # The daemon, as an editor runs it, prints the same: the findings are filed
        # under mypy_llmtracekit_anchor, which mypy must find in the installed wheel.
        dmypy = venv / "bin" / "dmypy"
        daemon = subprocess.run(
            [dmypy, "run", "--", *argv[1:]], cwd=work / "examples", capture_output=True, text=True
        )
        subprocess.run([dmypy, "stop"], cwd=work / "examples", capture_output=True)
        if daemon.stdout.replace("Daemon started\n", "") != expected:
            sys.exit(f"package: dmypy run from the wheel differs:\n{daemon.stdout}{daemon.stderr}")
        origin = run(
            python, "-c", "import mypy_llmtracekit; print(mypy_llmtracekit.__file__)", cwd=work
        )
        if not origin.startswith(str(venv)):
            sys.exit(f"package: the plugin came from {origin}, not from the wheel")
        run(python, "-c", TWINS_CURRENT, cwd=work)
        for args in (
            ("--version",),
            ("rule", "ltk-blocking-io"),
            ("rule", "ltk-internal"),
            ("catalogue", "sqlite3"),
            ("fix", "--help"),
        ):
            if not run(python, "-m", "mypy_llmtracekit", *args, cwd=work).strip():
                sys.exit(f"package: python -m mypy_llmtracekit {' '.join(args)} printed nothing")
        print(
            f"package: {wheels[0].name} and {sdists[0].name} built and checked; "
            f"README example from the wheel: {len(expected.splitlines()) - 1} findings as in README"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
