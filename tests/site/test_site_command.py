"""``microopt site``: bad arguments are refused before any work, with the usual one-line errors."""

from __future__ import annotations

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
