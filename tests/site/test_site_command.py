"""``microopt site``: bad arguments are refused before any work, with the usual one-line errors."""

from __future__ import annotations

import pathlib
import shutil

import pytest

from microopt.cli.main import main


def refused(argv, capsys) -> str:
    assert main(argv) == 2
    return capsys.readouterr().err


def test_listed_in_microopt_help(capsys):
    assert main(["--help"]) == 0
    assert "site      build the lessons and explorables as a static web site" in capsys.readouterr().out


def test_out_is_required(capsys):
    assert "the following arguments are required: --out" in refused(["site"], capsys)


def test_out_that_is_a_file(tmp_path, capsys):
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    err = refused(["site", "--out", str(file), "--no-lessons"], capsys)
    assert f"Invalid --out: '{file}' (must be a folder that can be made; this is a file)" in err
    assert file.read_text() == "mine"


def test_out_that_is_someone_elses_folder(tmp_path, capsys):
    (tmp_path / "thesis.tex").write_text("mine")
    err = refused(["site", "--out", str(tmp_path), "--no-lessons"], capsys)
    assert (f"Invalid --out: '{tmp_path}' (must be a new or empty folder, or an earlier site; this one holds "
            "other files)") in err
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.tex"]


@pytest.mark.parametrize("lessons, message", [
    ("99", "Invalid lesson: '99' (no notebook of"),
    (" , ", "Invalid --lessons: ' , ' (must name at least one lesson)"),
])
def test_unknown_or_empty_lessons(tmp_path, capsys, lessons, message):
    out = tmp_path / "site"
    assert message in refused(["site", "--out", str(out), "--lessons", lessons], capsys)
    assert not out.exists()  # refused before anything was written


def test_lessons_list_the_ones_there_are(tmp_path, capsys):
    err = refused(["site", "--out", str(tmp_path / "site"), "--lessons", "01,42"], capsys)
    assert "Invalid lesson: '42'" in err and "the lessons are 01, 02" in err


def test_contradictory_options(tmp_path, capsys):
    out = str(tmp_path / "site")
    assert "leave nothing to build" in refused(["site", "--out", out, "--no-lessons", "--no-explorables"], capsys)
    assert "contradict each other" in refused(["site", "--out", out, "--no-lessons", "--lessons", "01"], capsys)


def test_notebooks_folder_missing_or_empty(tmp_path, capsys):
    out = str(tmp_path / "site")
    assert "Invalid --notebooks: " in refused(["site", "--out", out, "--notebooks", str(tmp_path / "nowhere")], capsys)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "holds no lesson NN_name.ipynb" in refused(["site", "--out", out, "--notebooks", str(empty)], capsys)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is absent: no lesson can be built")
def test_a_lesson_that_fails_is_named(tmp_path, capsys):
    import nbformat

    folder = tmp_path / "notebooks"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 1. Broken"),
                                               nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(notebook, str(folder / "01_broken.ipynb"))
    assert main(["site", "--out", str(tmp_path / "site"), "--notebooks", str(folder), "--no-explorables"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("microopt site: error: 01_broken.ipynb did not run to the end:")
    assert "ZeroDivisionError" in err


def test_lite_builds_jupyterlite_into_the_site_and_the_index_links_it(tmp_path, monkeypatch, capsys):
    """--lite reaches ``lite.build_lite`` with DIR/lite (stood in for here: tests/site/test_lite.py
    builds and runs the real one, and checks that the linked page exists in it)."""
    from microopt.site import build, lite

    built = []

    def build_lite(out, *, notebooks=None, cache=None):
        built.append((pathlib.Path(out), pathlib.Path(notebooks)))
        (pathlib.Path(out) / "lab").mkdir(parents=True)
        (pathlib.Path(out) / "lab" / "index.html").write_text("JupyterLab")
        return pathlib.Path(out)

    monkeypatch.setattr(lite, "build_lite", build_lite)
    out = tmp_path / "site"
    assert main(["site", "--out", str(out), "--no-lessons", "--no-explorables", "--lite"]) == 0
    assert built == [(out / "lite", build.default_notebooks())]
    index = (out / "index.html").read_text()
    assert f'<a href="{build.LITE_APP}">Every lesson and exercise in JupyterLite</a>' in index
    assert (out / build.LITE_APP).is_file()
    assert f"{build.LITE_APP}: " in capsys.readouterr().out


def test_a_failed_lite_build_is_reported(tmp_path, monkeypatch, capsys):
    from microopt.site import lite

    def build_lite(out, *, notebooks=None, cache=None):
        raise lite.LiteBuildError("Cannot build JupyterLite: npm is not installed")

    monkeypatch.setattr(lite, "build_lite", build_lite)
    assert main(["site", "--out", str(tmp_path / "site"), "--no-lessons", "--no-explorables", "--lite"]) == 1
    assert capsys.readouterr().err == "microopt site: error: Cannot build JupyterLite: npm is not installed\n"
