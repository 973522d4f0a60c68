"""``--out`` is checked before any work: a folder under a file, or one that cannot be written, is a
usage error (exit status 2) before a single step is trained, for every command that writes."""

from __future__ import annotations

import pathlib
import tempfile

import pytest

from microopt.cli import demo_command, graph_command, race_command, sweep_command, train_command
from microopt.cli.main import main

# command, the name of its work function (replaced below by one that fails the test), --out is a file?
WRITERS = [
    (["race"], race_command, "race", False),
    (["lr-sweep"], sweep_command, "sweep", False),
    (["train", "--epochs", "1"], train_command, "fit", False),
    (["demo"], demo_command, "race_rosenbrock", False),
    (["graph", "x * 2", "x=1"], graph_command, "build", True),
]
IDS = [argv[0] for argv, *_ in WRITERS]


def _writable(folder: pathlib.Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


@pytest.fixture
def read_only(tmp_path):
    """A folder this process cannot write in: one without write permission, or, for root (who
    writes there anyway), a read-only file system."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if not _writable(folder):
            yield folder
            return
        found = next((pathlib.Path(p) for p in ("/sys", "/proc") if pathlib.Path(p).is_dir()
                      and not _writable(pathlib.Path(p))), None)
        if found is None:
            pytest.skip("no folder here refuses writing to this user")
        yield found
    finally:
        folder.chmod(0o700)


@pytest.fixture(autouse=True)
def no_work(monkeypatch):
    def work(*args, **kwargs):
        raise AssertionError("the command started its work before checking --out")

    for _, module, name, _ in WRITERS:
        monkeypatch.setattr(module, name, work)


def _refused(argv: list[str], out: pathlib.Path, capsys) -> str:
    assert main([*argv, "--out", str(out), "--no-progress"] if argv[0] != "graph"
                else [*argv, "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing was run, so nothing was printed
    assert captured.err.startswith(f"usage: microopt {argv[0]}")
    return captured.err.strip().splitlines()[-1]


@pytest.mark.parametrize("argv, module, work, is_file", WRITERS, ids=IDS)
def test_an_out_under_a_regular_file(argv, module, work, is_file, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = blocker / "sub" / ("graph.png" if is_file else "figures")
    assert _refused(argv, out, capsys) == (
        f"microopt {argv[0]}: error: Invalid --out: '{out}' (must be {'in ' if is_file else ''}a folder that can be "
        f"made; {blocker} is a file). Choose another --out.")


@pytest.mark.parametrize("argv, module, work, is_file", WRITERS, ids=IDS)
def test_an_out_under_a_folder_that_cannot_be_written(argv, module, work, is_file, read_only, capsys):
    out = read_only / "missing-parent" / ("graph.png" if is_file else "figures")
    line = _refused(argv, out, capsys)
    assert line.startswith(f"microopt {argv[0]}: error: Invalid --out: '{out}' (must be ")
    assert f"this user can write in; {read_only} is not writable (" in line


def test_an_out_that_is_a_file_where_a_folder_is_expected(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert _refused(["race"], blocker, capsys) == (
        f"microopt race: error: Invalid --out: '{blocker}' (must be a folder that can be made; this is a file). "
        "Choose another --out.")


def test_a_graph_out_that_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "figures.png"
    folder.mkdir()
    assert "(must be a file name; this is a folder)" in _refused(["graph", "x", "x=1"], folder, capsys)


def test_missing_parents_that_can_be_made_are_fine_and_nothing_is_made_by_the_check(tmp_path, monkeypatch, capsys):
    monkeypatch.undo()  # the real work, on a small problem
    out = tmp_path / "new" / "deeper"
    assert main(["lr-sweep", "--steps", "2", "--min-lr", "0.01", "--max-lr", "0.1", "--per-decade", "1",
                 "--out", str(out), "--no-progress"]) == 0
    assert [p.name for p in out.iterdir()] == ["lr-sweep-rosenbrock.png"]
    assert main(["race", "--steps", "3", "--out", str(tmp_path / "unused"), "--no-plots"]) == 0
    assert not (tmp_path / "unused").exists()  # --no-plots writes nothing, so --out is not even looked at


# The teacher's commands write too: each action of `microopt assignment`, its work function.
ASSIGNMENT_WRITERS = [
    (["release", "solution.ipynb"], "release"),
    (["grade", "solution.ipynb", "submissions"], "grade"),
    (["autograder", "solution.ipynb"], "autograder"),
    (["benchmark", "solution.ipynb"], "benchmark"),
]


@pytest.mark.parametrize("argv, work", ASSIGNMENT_WRITERS, ids=[argv[0] for argv, _ in ASSIGNMENT_WRITERS])
def test_an_assignment_out_that_cannot_be_made_or_written(argv, work, tmp_path, read_only, monkeypatch, capsys):
    from microopt.cli import assignment_command

    def never(*args, **kwargs):
        raise AssertionError("the command started its work before checking --out")

    monkeypatch.setattr(assignment_command, work, never)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for out, rule in [(blocker / "report", f"must be a folder that can be made; {blocker} is a file"),
                      (read_only / "report", "must be a folder this user can write in; ")]:
        assert main(["assignment", *argv, "--out", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith(f"usage: microopt assignment {argv[0]}")
        assert captured.err.strip().splitlines()[-1].startswith(
            f"microopt assignment {argv[0]}: error: Invalid --out: '{out}' ({rule}")
