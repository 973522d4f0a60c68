"""Python bytecode for Pyodide, compiled when the site is built, so that the kernel starts fast.

npm's Pyodide ships its standard library (``python_stdlib.zip``) and PyPI's wheels ship ``.py``
sources only. Without bytecode, every module the kernel imports as it starts (IPython, ipykernel,
jedi, asyncio, json: about 650 modules) is compiled from source in WebAssembly, in every browser
tab, on every page load: half of the kernel's start-up time. Here Pyodide itself compiles them
once (under node: the bytecode must be CPython 3.14's, which the Python building the site may not
be), and the ``.pyc`` files are added next to the sources: in the zip for the standard library
(Pyodide imports it from ``/lib/python314.zip``: zipimport's layout, ``x.pyc`` beside ``x.py``), in
``__pycache__/`` inside each wheel. The sources stay, so tracebacks still show their lines. The
bytecode is "unchecked-hash" (PEP 552): used without comparing it with the source's timestamp.

Compiling all of the standard library and of the kernel's wheels (pygments alone has 600 lexer
modules) would take a minute of WebAssembly; only the modules the kernel imports as it starts are
compiled there, found by starting the kernel's imports in that same Pyodide. Archives listed as
``whole`` (microopt and the wheels ``%pip install`` adds) are compiled entirely. The compiled
archives are cached by their input's digest, so a rebuild compiles nothing it compiled before.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import shutil
import subprocess
import tempfile
import zipfile

# Where Pyodide puts each kind of archive: the file names compiled code reports in tracebacks.
STDLIB = "python_stdlib.zip"
STDLIB_PREFIX = "/lib/python314.zip"
SITE_PACKAGES = "/lib/python3.14/site-packages"
# What the kernel imports as it starts (jupyterlite-pyodide-kernel's worker: initPackageManager,
# initKernel): the modules whose bytecode is worth shipping.
KERNEL_IMPORTS = ("micropip", "piplite.piplite", "pyodide_kernel")

COMPILE_JS = """\
// node compile.mjs PYODIDE_DIR/ WORK_DIR: compile.py in Pyodide, WORK_DIR mounted at /work
import fs from "node:fs";
const [indexURL, work] = process.argv.slice(2);
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
const pyodide = await loadPyodide({ indexURL });
const { packages } = JSON.parse(fs.readFileSync(work + "/jobs.json", "utf8"));
await pyodide.loadPackage(packages, { messageCallback: () => {} });
pyodide.FS.mkdirTree("/work");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: work }, "/work");
try {
  pyodide.runPython(fs.readFileSync(work + "/compile.py", "utf8"));
} catch (error) {  // a PythonError: its message is the traceback
  console.error(error.message);
  process.exit(1);
}
"""

COMPILE_PY = """\
import importlib, importlib.util, json, pathlib, sys
from importlib._bootstrap_external import _code_to_hash_pyc  # py_compile's writer, without its file handling

jobs = json.load(open("/work/jobs.json"))
for module in jobs["imports"]:
    importlib.import_module(module)
imported = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
for job in jobs["archives"]:
    tree = pathlib.Path(job["tree"])
    for file in sorted(tree.rglob("*.py")):
        name = file.relative_to(tree).as_posix()
        path = f"{job['prefix']}/{name}"
        if not (job["whole"] or path in imported):
            continue
        source = file.read_bytes()
        try:
            code = compile(source, path, "exec", dont_inherit=True)
        except SyntaxError:  # a template or test data file, never imported
            continue
        pyc = file.with_suffix(".pyc") if job["legacy"] else pathlib.Path(importlib.util.cache_from_source(file))
        pyc.parent.mkdir(exist_ok=True)
        pyc.write_bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))
"""


def compile_archives(pyodide: pathlib.Path, archives: list[pathlib.Path], cache: pathlib.Path, *,
                     whole: tuple[pathlib.Path, ...] = (), packages: tuple[str, ...] = ()) -> None:
    """Add bytecode to each archive in place (``python_stdlib.zip`` or a wheel), with Pyodide's Python.

    ``pyodide`` is the assembled Pyodide folder, ``packages`` the lock packages the kernel loads
    (loaded before ``KERNEL_IMPORTS`` are imported to see which modules they use). Archives in
    ``whole`` get bytecode for every module. ``cache`` keeps each result by its input's digest.
    Raises ``RuntimeError`` naming the failure when node or Pyodide fails.
    """
    folder = cache / "bytecode"
    folder.mkdir(parents=True, exist_ok=True)
    recipe = f"{COMPILE_PY}{KERNEL_IMPORTS}{sorted(packages)}".encode()

    def cached(archive: pathlib.Path) -> pathlib.Path:
        digest = hashlib.sha256(recipe + bytes(archive in whole) + archive.read_bytes()).hexdigest()[:16]
        return folder / f"{digest}-{archive.name}"

    results = {archive: cached(archive) for archive in archives}
    todo = [archive for archive in archives if not results[archive].is_file()]
    if todo:
        with tempfile.TemporaryDirectory(prefix="microopt-bytecode-") as work:
            work = pathlib.Path(work)
            (work / "compile.mjs").write_text(COMPILE_JS, encoding="utf-8")
            (work / "compile.py").write_text(COMPILE_PY, encoding="utf-8")
            jobs = []
            for index, archive in enumerate(todo):
                # Unzipped here, not in Pyodide: its zipfile gave bad CRCs after a few archives.
                with zipfile.ZipFile(archive) as unpacked:
                    unpacked.extractall(work / str(index))
                stdlib = archive.name == STDLIB
                jobs.append({"tree": f"/work/{index}", "legacy": stdlib, "whole": archive in whole,
                             "prefix": STDLIB_PREFIX if stdlib else SITE_PACKAGES})
            (work / "jobs.json").write_text(json.dumps({"packages": list(packages), "imports": list(KERNEL_IMPORTS),
                                                        "archives": jobs}), encoding="utf-8")
            result = subprocess.run(["node", str(work / "compile.mjs"), f"{pyodide}/", str(work)],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"compiling Python bytecode in Pyodide (node) failed (exit status "
                                   f"{result.returncode}):\n{_tail(result.stderr or result.stdout)}")
            for index, archive in enumerate(todo):
                _add_bytecode(archive, work / str(index), results[archive])
    for archive in archives:
        shutil.copy2(results[archive], archive)


def _tail(output: str) -> str:
    """The end of node's report, without the one-line minified source it prints first."""
    return "\n".join(line for line in output.splitlines() if len(line) < 500)[-2000:].strip()


def _add_bytecode(archive: pathlib.Path, tree: pathlib.Path, target: pathlib.Path) -> None:
    """``archive`` as it was, plus the ``.pyc`` files Pyodide wrote into its unpacked ``tree``."""
    part = target.with_suffix(".part")
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry, old.read(entry))
        for compiled in sorted(tree.rglob("*.pyc")):
            new.write(compiled, compiled.relative_to(tree).as_posix())
    part.rename(target)
