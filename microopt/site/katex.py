"""KaTeX, vendored from npm when the site is built, so that a lesson's math renders with no network.

``npm pack katex@VERSION`` downloads the package's tarball once into a cache folder
(``$MICROOPT_CACHE``, else ``~/.cache/microopt``); the minified script, its auto-render
extension, the style sheet and the fonts are copied from it into the site's ``katex/`` folder.
No ``node_modules`` is made, and nothing of KaTeX is committed to microopt.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tarfile

VERSION = "0.16.22"
FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")


class KatexError(RuntimeError):
    """KaTeX could not be fetched (no npm, no registry) or its tarball is not what it should be."""


def cache_folder() -> pathlib.Path:
    return pathlib.Path(os.environ.get("MICROOPT_CACHE") or pathlib.Path.home() / ".cache" / "microopt")


def tarball(cache: pathlib.Path | None = None) -> pathlib.Path:
    """The path of ``katex-VERSION.tgz`` in the cache, fetched with ``npm pack`` the first time."""
    cache = cache_folder() if cache is None else cache
    path = cache / f"katex-{VERSION}.tgz"
    if path.is_file():
        return path
    npm = shutil.which("npm")
    if npm is None:
        raise KatexError("The lesson pages render math with KaTeX, fetched from npm when the site is built, and npm "
                         "was not found. Install Node.js (it includes npm), or build without lessons: "
                         "microopt site --out DIR --no-lessons.")
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "pack", f"katex@{VERSION}", "--pack-destination", str(cache), "--silent"],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not path.is_file():
        raise KatexError(f"npm pack katex@{VERSION} failed (exit status {done.returncode}): "
                         f"{(done.stderr or done.stdout).strip()[-500:]}. Check that the npm registry is reachable.")
    return path


def vendor(out: pathlib.Path, cache: pathlib.Path | None = None) -> pathlib.Path:
    """Copy KaTeX's script, auto-render, style sheet and fonts into ``out/katex``; return that folder."""
    target = out / "katex"
    with tarfile.open(tarball(cache)) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/dist/")
            if member.isfile() and (name in FILES or (name.startswith("fonts/") and "/" not in name[6:])):
                destination = target / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.extractfile(member).read())
    missing = [name for name in FILES if not (target / name).is_file()]
    if missing:
        raise KatexError(f"The KaTeX tarball lacks {', '.join(missing)}; delete {tarball(cache)} to fetch it again.")
    return target
