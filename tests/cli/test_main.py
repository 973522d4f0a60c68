"""The `microopt` command as a whole: help for every subcommand, `python -m microopt`, exit statuses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from microopt.cli.main import build_parser, main


def subcommands() -> list[str]:
    parser = build_parser()
    return list(parser._subparsers._group_actions[0].choices)


def test_help_lists_every_subcommand(capsys):
    assert main(["--help"]) == 0
    printed = capsys.readouterr().out
    for name in subcommands():
        assert name in printed


@pytest.mark.parametrize("name", subcommands())
def test_every_subcommand_has_help(name, capsys):
    assert main([name, "--help"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"usage: microopt {name}")


def test_no_subcommand_is_an_error(capsys):
    assert main([]) == 2
    assert "the following arguments are required: SUBCOMMAND" in capsys.readouterr().err


def test_unknown_subcommand_lists_the_valid_ones(capsys):
    assert main(["fly"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'fly'" in err and "graph" in err


def test_version(capsys):
    from microopt import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"microopt {__version__}"


def test_python_dash_m_microopt_help():
    result = subprocess.run([sys.executable, "-m", "microopt", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: microopt ")
    for name in subcommands():
        assert name in result.stdout


def test_python_dash_m_microopt_bad_argument_exits_2():
    result = subprocess.run([sys.executable, "-m", "microopt", "graph"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("microopt graph: error:")


def test_the_command_line_loads_no_plotting_library_until_a_subcommand_needs_one():
    code = ("import sys; from microopt.cli.main import build_parser; build_parser(); "
            "print(sorted(m for m in ('matplotlib', 'graphviz', 'tqdm', 'numpy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_output_that_cannot_be_written_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["graph", "x * 2", "--var", "x=1", "--out", str(blocker / "graph.dot")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("microopt: error: ") and "a-file" in err
    assert len(err.strip().splitlines()) == 1  # no traceback


def test_a_missing_expression_names_only_what_is_required(capsys):
    # the variable assignments are optional (there is also --var): the error must not ask for them
    assert main(["graph"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == "microopt graph: error: the following arguments are required: expression"


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    # `microopt graph ... | head -1`: no traceback and no "error: Broken pipe" on stderr
    process = subprocess.Popen([sys.executable, "-m", "microopt", "graph", "x * y", "x=1, y=2",
                                "--out", str(tmp_path / "g.dot")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # before the command prints anything
    err = process.stderr.read()
    process.wait(timeout=60)
    process.stderr.close()
    assert "Traceback" not in err and "Broken pipe" not in err, err
