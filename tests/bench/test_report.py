"""The report: its structure, the table, the command line, and skipping what is not installed."""

import json
import sys

import pytest

from microopt.bench import format_table, main, report, run
from microopt.bench.parallel import sweep_row

STATUSES = {"PASS", "MISS", "SKIP", "-"}


# Workloads small enough for a test; the real quick and full settings are the same code with bigger numbers.
TINY = {"points": 4, "links": 20, "node_counts": (100, 200), "optim_sizes": (105,), "optim_updates": 210}


def small_sweep(quick: bool, repeat: int) -> dict:
    """Row p without worker processes, 1 run (tests/bench/test_parallel.py runs it on workers)."""
    return sweep_row(quick, repeat, n_jobs=1, runs=1)


@pytest.fixture(scope="module")
def quick():
    return run(quick=True, settings=TINY, sweep=small_sweep)


def test_quick_run_structure(quick):
    assert quick["quick"] is True
    assert quick["same_loss"] is True
    assert set(quick["initial_loss"]) >= {"microopt", "microopt.nn"}
    assert [row["id"] for row in quick["rows"]] == ["a", "b", "c", "c", "c", "c", "d", "n", "n", "e", "e", "p"]
    for row in quick["rows"]:
        assert set(row["results"]) == {"microopt", "micrograd", "torch"}
        assert row["results"]["microopt"] > 0
        assert all(check["status"] in STATUSES for check in row["checks"])
    assert quick["frozen_objects"] > 0
    assert [r["parameters"] for r in quick["optimizers"]["rows"]] == [105, 105]
    json.loads(json.dumps(quick))  # machine-readable as it stands


def test_targets_are_the_ones_in_the_brief(quick):
    targets = {(row["workload"].split(" (")[0].strip(), check["label"]): check["target"]
               for row in quick["rows"] for check in row["checks"]}
    assert targets == {
        ("demo step, same model code", "vs micrograd"): 6.0,
        ("demo step, same model code", "vs torch"): 8.0,
        ("demo step, microopt.nn.MLP + microopt.sum", "vs micrograd"): 25.0,
        ("demo step, microopt.nn compiled", "vs micrograd"): 150.0,
        ("compiling it: one trace, code generation, compile()", "compile time"): 1.0,
        ("memory the compiled step holds", "held"): 20.0,
        ("demo step, numpy across the samples", "vs micrograd"): 400.0,
        ("demo step, numpy across the samples", "largest relative difference from eager"): 1e-12,
        ("deep chain, 40 nodes, forward + backward", "vs micrograd"): None,
        ("deep chain, 40 nodes, forward + backward", "vs torch"): None,
        ("cost per node, chain of 200 nodes", "largest / smallest"): 1.3,
        ("bytes per node, demo graph", "microopt"): 120.0,
        ("lr_sweep, 1 runs of 3 steps: n_jobs=2 vs n_jobs=1", "vs n_jobs=1"): 1.8,
    }


def test_speedups_are_the_median_of_per_round_ratios(quick):
    import statistics

    row = quick["rows"][0]
    check = row["checks"][0]
    if check["status"] == "SKIP":
        pytest.skip("micrograd is not installed")
    per_round = [a / b for a, b in zip(row["samples"]["micrograd"], row["samples"]["microopt"])]
    assert check["value"] == pytest.approx(statistics.median(per_round))
    assert check["range"] == [min(per_round), max(per_round)]
    assert check["status"] == ("PASS" if check["value"] >= 6.0 else "MISS")
    low, high = row["spread"]["microopt"]
    assert low <= row["results"]["microopt"] <= high


def test_table_shows_every_workload_and_result(quick):
    table = format_table(quick)
    for row in quick["rows"]:
        assert row["workload"].strip() in table
    for word in ("microopt", "micrograd", "torch", "ratio", "target", "result", "--quick",
                 "SGD(momentum=0.9)", "Adam", "ns/parameter", "Same workload"):
        assert word in table


def test_repeat_must_be_positive():
    with pytest.raises(ValueError, match="Invalid repeat: 0"):
        run(quick=True, repeat=0)


def test_missing_micrograd_and_torch_are_skipped_with_a_note(monkeypatch):
    for name in ("micrograd", "micrograd.engine", "torch", "numpy", "microopt.train.batched"):
        monkeypatch.setitem(sys.modules, name, None)  # makes `import name` raise ImportError
    result = run(quick=True, settings=TINY, sweep=small_sweep)
    assert set(result["versions"]) == {"microopt"}
    assert any("micrograd is not installed" in note and "pip install micrograd==0.1.0" in note
               for note in result["skipped"])
    assert any("torch is not installed" in note for note in result["skipped"])
    statuses = {(row["id"], c["label"]): c["status"] for row in result["rows"] for c in row["checks"]}
    assert statuses[("a", "vs micrograd")] == statuses[("a", "vs torch")] == "SKIP"
    assert any("numpy is not installed" in note for note in result["skipped"])
    assert "compile_batched" not in format_table(result)  # its row is left out
    assert "micrograd is not installed" in format_table(result)


def test_main_prints_json_and_exits_0(monkeypatch, capsys, quick):
    seen = {}

    def fake_run(**options):
        seen.update(options)
        return quick

    monkeypatch.setattr(report, "run", fake_run)
    assert main(["--quick", "--repeat", "3", "--json"]) == 0
    assert seen["quick"] is True and seen["repeat"] == 3
    assert json.loads(capsys.readouterr().out)["rows"] == json.loads(json.dumps(quick["rows"]))


def test_main_prints_the_table(monkeypatch, capsys, quick):
    monkeypatch.setattr(report, "run", lambda **options: quick)
    assert main([]) == 0
    assert capsys.readouterr().out.strip() == format_table(quick)


@pytest.mark.parametrize("bad", ["0", "-1", "two"])
def test_main_refuses_a_bad_repeat(bad, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--repeat", bad])
    assert exit_.value.code == 2
    assert "argument --repeat: Invalid repeat: " in capsys.readouterr().err
