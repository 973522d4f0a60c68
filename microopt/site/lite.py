"""JupyterLite: every lesson and exercise notebook, running in the browser on Pyodide, built offline.

``build_lite(out)`` (``microopt site --lite DIR``, or ``python -m microopt.site.lite --out DIR``)
writes a static folder that any web server can publish (GitHub Pages, ``python -m http.server``):

1. **Pyodide** (CPython compiled to WebAssembly) from npm's ``pyodide`` package. That package is
   the interpreter only, so the pure-Python wheels the kernel needs (micropip, IPython, jedi...)
   are downloaded from PyPI at the versions Pyodide's lock file names, and their lock entries
   rewritten to the downloaded files (Pyodide rebuilds its own wheels, so the hashes differ).
2. **piplite wheels**, what ``%pip install`` finds in the browser: microopt itself (built from
   this checkout with ``pip wheel``), graphviz, tqdm, ipywidgets and their pure-Python
   dependencies. ``disablePyPIFallback`` forbids any other index: nothing is fetched from
   another host when a notebook runs.
3. **Viz.js** (npm ``@viz-js/viz``: Graphviz in WebAssembly) next to Pyodide, where
   ``microopt.viz.vizjs`` finds it to draw computation graphs without a ``dot`` program.
4. **jupyterlite-core** and **jupyterlite-pyodide-kernel** 0.8.6 assemble the site, with the
   lessons and the released exercise notebooks (never their solutions) as its contents.

Downloads are kept in ``~/.cache/microopt/lite`` (``$XDG_CACHE_HOME``, or ``MICROOPT_CACHE``),
so a rebuild makes no request. A failed download raises ``LiteBuildError`` saying which
command failed: the site is never built with a piece missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

from microopt.site._pyodide_bytecode import STDLIB, compile_archives

PYODIDE_VERSION = "314.0.6"  # the version jupyterlite-pyodide-kernel 0.8.6 was built against
PYODIDE_PYTHON = "3.14"
VIZ_VERSION = "3.31.0"
VIZ_FILE = "viz.js"  # the ES module, with Graphviz's wasm inlined, as @viz-js/viz ships it
# What the kernel loads from the Pyodide folder before it starts (the pyodide kernel's own
# start-up: micropip, then IPython and jedi through piplite), closed over their lock dependencies.
KERNEL_PACKAGES = ("micropip", "packaging", "ipython", "jedi")
# The kernel's own wheels, shipped by jupyterlite-pyodide-kernel (and comm from PyPI). Left to
# the kernel, it installs them one by one with piplite after Pyodide starts; listed in the lock
# and in loadPyodideOptions, Pyodide fetches all of them at once as it starts: a faster kernel.
KERNEL_WHEELS = {"piplite": "piplite", "ipykernel": "ipykernel", "pyodide-kernel": "pyodide_kernel"}  # -> import
PRELOADED = ["micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython"]
# What %pip install microopt (and the lessons' widgets) need besides the Pyodide folder, pinned.
PIPLITE_WHEELS = ("comm==0.2.3", "graphviz==0.21", "tqdm==4.67.3", "ipywidgets==8.1.9",
                  "jupyterlab_widgets==3.0.17")
ROOT = pathlib.Path(__file__).resolve().parents[2]  # the checkout: pyproject.toml, notebooks/
# The first code cell of every lesson and exercise (right under its title), so that each opens
# in JupyterLite and in hosted notebooks too. tests/site/test_lite_install_cell.py checks them.
INSTALL_CELL_ID = "install-microopt"
INSTALL_CELL = """\
# Install microopt (and ipywidgets, for the sliders) if this kernel lacks it: in JupyterLite (Pyodide)
# from the site's own wheels, in a hosted notebook (Colab...) from PyPI. Else this does nothing.
try:
    import microopt  # noqa: F401
except ImportError:
    import sys

    if sys.platform == "emscripten":  # Pyodide has no pip: piplite installs what the site ships
        import piplite
        from pyodide.ffi import run_sync

        run_sync(piplite.install(["microopt", "ipywidgets"]))
    else:
        from IPython import get_ipython

        get_ipython().run_line_magic("pip", "install microopt ipywidgets")"""


class LiteBuildError(RuntimeError):
    """A step of the JupyterLite build failed (a download, the wheel build, jupyter lite)."""


def cache_dir() -> pathlib.Path:
    """Where downloads are kept between builds: ``$MICROOPT_CACHE``, else the user cache folder."""
    if os.environ.get("MICROOPT_CACHE"):
        return pathlib.Path(os.environ["MICROOPT_CACHE"]) / "lite"
    base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    return pathlib.Path(base) / "microopt" / "lite"


def _run(command: list[str], what: str, cwd: pathlib.Path | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise LiteBuildError(f"{what} failed (exit status {result.returncode}): {' '.join(command)}\n"
                             f"{result.stderr.strip() or result.stdout.strip()}")


def npm_package(name: str, version: str, cache: pathlib.Path) -> pathlib.Path:
    """The npm tarball of ``name@version``, downloaded with ``npm pack`` once and then cached."""
    folder = cache / "npm"
    tarball = folder / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not tarball.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm")
        if npm is None:
            raise LiteBuildError("Cannot build JupyterLite: npm is not installed (it downloads Pyodide "
                                 "and Viz.js). Install Node.js (`apt-get install npm`), then build again.")
        _run([npm, "pack", f"{name}@{version}", "--pack-destination", str(folder)], f"npm pack {name}")
    return tarball


def _wheel_name(requirement: str) -> tuple[str, str]:
    """``name==version`` as (normalised name, version), as wheel file names spell them."""
    name, version = requirement.split("==")
    return re.sub(r"[-_.]+", "_", name).lower(), version


def pypi_wheels(requirements: list[str], cache: pathlib.Path, *, platforms: tuple[str, ...] = ("any",)
                ) -> list[pathlib.Path]:
    """Wheels of ``name==version`` requirements for Pyodide's Python, from PyPI, cached.

    ``--python-version 3.14``: some (micropip) require a newer Python than the one building
    the site. ``--no-deps``: the caller lists every wheel, so the site holds exactly these.
    ``platforms``: pure-Python wheels (``any``) by default; a wheel built for Pyodide is
    tagged ``pyemscripten_2026_0_wasm32`` (hypothesis ships one).
    """
    folder = cache / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [r for r in requirements if _cached_wheel(folder, r) is None]
    if missing:
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
              "--python-version", PYODIDE_PYTHON, *(f"--platform={p}" for p in platforms),
              "--dest", str(folder), *missing], "pip download")
    wheels = [_cached_wheel(folder, r) for r in requirements]
    if None in wheels:
        lost = [r for r, wheel in zip(requirements, wheels) if wheel is None]
        raise LiteBuildError(f"pip download did not produce wheels for {', '.join(lost)} in {folder}.")
    return wheels


def _cached_wheel(folder: pathlib.Path, requirement: str) -> pathlib.Path | None:
    """The wheel of ``name==version`` in ``folder``, if one was downloaded before."""
    name, version = _wheel_name(requirement)
    return next((wheel for wheel in sorted(folder.glob("*.whl"))
                 if _wheel_name("==".join(wheel.name.split("-")[:2])) == (name, version)), None)


def _sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kernel_closure(lock: dict) -> list[str]:
    """KERNEL_PACKAGES and every package their lock entries depend on, by lock key."""
    keys = {re.sub(r"[-_.]+", "-", key).lower(): key for key in lock["packages"]}
    todo, seen = list(KERNEL_PACKAGES), []
    while todo:
        key = keys[re.sub(r"[-_.]+", "-", todo.pop()).lower()]
        if key not in seen:
            seen.append(key)
            todo += lock["packages"][key]["depends"]
    return seen


def assemble_pyodide(target: pathlib.Path, cache: pathlib.Path) -> pathlib.Path:
    """Pyodide from npm in ``target``, with the kernel's wheels, Viz.js, and a lock naming them."""
    with tarfile.open(npm_package("pyodide", PYODIDE_VERSION, cache)) as archive:
        archive.extractall(target.parent / "_pyodide_npm", filter="data")
    shutil.copytree(target.parent / "_pyodide_npm" / "package", target)
    shutil.rmtree(target.parent / "_pyodide_npm")
    for unused in ("console.html", "console-v2.html", "pyodide.js", "pyodide.js.map", "pyodide.mjs.map"):
        (target / unused).unlink(missing_ok=True)

    lock_path = target / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    closure = _kernel_closure(lock)
    wheels = pypi_wheels([f"{lock['packages'][key]['name']}=={lock['packages'][key]['version']}"
                          for key in closure], cache)
    for key, wheel in zip(closure, wheels):
        shutil.copy2(wheel, target / wheel.name)
        lock["packages"][key].update(file_name=wheel.name, sha256=_sha256(wheel))
    # Only what is in the folder stays in the lock: a listed package whose file is missing
    # would be fetched from Pyodide's CDN.
    lock["packages"] = {key: lock["packages"][key] for key in closure}
    for wheel in _kernel_wheels(cache):
        shutil.copy2(wheel, target / wheel.name)
        name, version = wheel.name.split("-")[:2]
        key = name.replace("_", "-").lower()
        lock["packages"][key] = {
            "name": key, "version": version, "file_name": wheel.name, "sha256": _sha256(wheel),
            "install_dir": "site", "package_type": "package", "depends": [], "unvendored_tests": False,
            "imports": [KERNEL_WHEELS.get(key, key)], "tool": {}}
    lock_path.write_text(json.dumps(lock, indent=1), encoding="utf-8")

    with tarfile.open(npm_package("@viz-js/viz", VIZ_VERSION, cache)) as archive:
        module = archive.extractfile("package/dist/viz.js")
        (target / VIZ_FILE).write_bytes(module.read())
    return target


def compile_bytecode(pyodide: pathlib.Path, piplite_wheels: list[pathlib.Path], cache: pathlib.Path) -> None:
    """Ship Python bytecode (``_pyodide_bytecode``): for what the kernel imports as it starts, and for
    every module of the piplite wheels; then the lock's hashes of the rewritten wheels."""
    try:
        compile_archives(pyodide, [pyodide / STDLIB, *sorted(pyodide.glob("*.whl")), *piplite_wheels], cache,
                         whole=tuple(piplite_wheels), packages=tuple(PRELOADED))
    except RuntimeError as error:
        raise LiteBuildError(str(error)) from error
    lock_path = pyodide / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    for entry in lock["packages"].values():
        entry["sha256"] = _sha256(pyodide / entry["file_name"])
    lock_path.write_text(json.dumps(lock, indent=1), encoding="utf-8")


def _kernel_wheels(cache: pathlib.Path) -> list[pathlib.Path]:
    """The pyodide kernel's wheels (from its labextension's ``pypi/`` folder) and comm from PyPI."""
    from jupyter_core.paths import jupyter_path

    folders = [pathlib.Path(p) / "@jupyterlite/pyodide-kernel-extension/static/pypi"
               for p in jupyter_path("labextensions")]
    folder = next((f for f in folders if f.is_dir()), None)
    if folder is None:
        raise LiteBuildError("Cannot build JupyterLite: jupyterlite-pyodide-kernel is not installed "
                             "(`pip install microopt[browser]`).")
    wheels = [next(folder.glob(f"{module}-*.whl")) for module in KERNEL_WHEELS.values()]
    return [*wheels, *pypi_wheels(["comm==0.2.3"], cache)]


def microopt_wheel(dest: pathlib.Path) -> pathlib.Path:
    """microopt's own wheel, built from this checkout (``pip wheel --no-deps``).

    Built from a copy of just the package and its metadata: building in the checkout would
    leave ``build/`` and ``*.egg-info`` folders in it.
    """
    source = dest / "_source"
    shutil.copytree(ROOT / "microopt", source / "microopt", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(dest),
          str(source)], "building microopt's wheel")
    shutil.rmtree(source)
    return next(dest.glob("microopt-*.whl"))


def stage_contents(target: pathlib.Path, notebooks: pathlib.Path) -> pathlib.Path:
    """The lessons at the top, the released exercises (not their solutions) in ``exercises/``."""
    target.mkdir(parents=True)
    for lesson in sorted(notebooks.glob("*.ipynb")):
        shutil.copy2(lesson, target / lesson.name)
    if (notebooks / "figures").is_dir():
        shutil.copytree(notebooks / "figures", target / "figures")
    (target / "exercises").mkdir()
    for exercise in sorted((notebooks / "exercises").glob("*.ipynb")):
        shutil.copy2(exercise, target / "exercises" / exercise.name)
    return target


JUPYTER_LITE_JSON = {
    "jupyter-lite-schema-version": 0,
    "jupyter-config-data": {
        "appName": "microopt in the browser",
        # window.jupyterapp: lets the browser tests (tests/site/test_lite.py) drive the app.
        "exposeAppInBrowser": True,
        "litePluginSettings": {
            "@jupyterlite/pyodide-kernel-extension:kernel": {
                "disablePyPIFallback": True, "loadPyodideOptions": {"packages": PRELOADED}},
        },
    },
}


def build_lite(out: str | os.PathLike, *, notebooks: str | os.PathLike | None = None,
               cache: str | os.PathLike | None = None) -> pathlib.Path:
    """Build the JupyterLite site into ``out`` (replacing it) and return its path.

    Open ``out/lab/index.html`` through a web server (``python -m http.server -d out``):
    browsers refuse WebAssembly workers from ``file://``.
    """
    out = pathlib.Path(out).resolve()
    notebooks = pathlib.Path(notebooks) if notebooks is not None else ROOT / "notebooks"
    cache = pathlib.Path(cache) if cache is not None else cache_dir()
    if not notebooks.is_dir():
        raise LiteBuildError(f"Invalid notebooks folder: {str(notebooks)!r} (not a directory). "
                             "Pass the folder holding the lesson notebooks.")
    with tempfile.TemporaryDirectory(prefix="microopt-lite-") as work:
        work = pathlib.Path(work)
        lite_dir = work / "lite"
        assemble_pyodide(lite_dir / "static" / "pyodide", cache)
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(JUPYTER_LITE_JSON, indent=2), encoding="utf-8")
        wheels = work / "wheels"
        wheels.mkdir()
        for wheel in pypi_wheels(list(PIPLITE_WHEELS), cache):
            shutil.copy2(wheel, wheels / wheel.name)
        microopt_wheel(wheels)
        compile_bytecode(lite_dir / "static" / "pyodide", sorted(wheels.glob("*.whl")), cache)
        contents = stage_contents(work / "contents", notebooks)
        if out.exists():
            shutil.rmtree(out)
        _run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir),
              "--output-dir", str(out), "--contents", str(contents), "--piplite-wheels", str(wheels),
              "--no-sourcemaps"], "jupyter lite build", cwd=work)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m microopt.site.lite", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder to write the site to (replaced)")
    parser.add_argument("--notebooks", default=None, help="lesson folder (default: the checkout's notebooks/)")
    args = parser.parse_args(argv)
    try:
        out = build_lite(args.out, notebooks=args.notebooks)
    except LiteBuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"JupyterLite written to {out}; serve it with `python -m http.server -d {out}` "
          "and open http://127.0.0.1:8000/lab/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
