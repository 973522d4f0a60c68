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


@pytest.mark.parametrize("name", subcommands())
def test_a_mistyped_flag_gets_the_subcommands_usage_not_the_top_levels(name, capsys):
    assert main([name, "--lr-typo", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: microopt {name}"), err
    assert f"microopt {name}" in err.strip().splitlines()[-1]


def test_an_unknown_flag_is_named_with_the_nearest_real_one(capsys):
    assert main(["race", "--lr-typo", "1"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "microopt race: error: unrecognized arguments: --lr-typo 1 (did you mean --lr?)")
    assert main(["lr-sweep", "--stepz", "3"]) == 2
    assert capsys.readouterr().err.strip().endswith("unrecognized arguments: --stepz 3 (did you mean --steps?)")
    assert main(["train", "--colour", "red"]) == 2
    assert capsys.readouterr().err.strip().endswith("unrecognized arguments: --colour red")  # nothing close


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
