"""Row p of microopt bench: the sweep on two workers against the serial one (4 runs here, 16 in the bench)."""

import pytest

from microopt.bench.parallel import RUNS, TARGET, WORKERS, sweep_row


def test_the_row_times_both_and_checks_the_results_are_identical():
    assert RUNS == 16 and WORKERS == 2  # the bench's row: 16 runs on 2 workers
    row = sweep_row(quick=True, runs=4)  # the same code on a smaller sweep: worker processes, identity check
    assert row["id"] == "p" and "4 runs" in row["workload"] and "n_jobs=2 vs n_jobs=1" in row["workload"]
    (check,) = row["checks"]
    assert check["label"] == "vs n_jobs=1"  # "(results differ!)" would be appended otherwise
    assert check["target"] == TARGET == 1.8 and check["status"] in ("PASS", "MISS")
    serial, parallel = row["samples"]["serial"], row["samples"]["microopt"]
    assert len(serial) == len(parallel) == 1 and check["value"] == serial[0] / parallel[0]
    cpu = row["cpu"]
    assert cpu["serial_cpu_per_run"] > 0 and cpu["overhead_per_task"] > 0
    if cpu["workers_cpu_per_run"] is not None:  # Linux: the workers' CPU time read from /proc
        assert cpu["expected_speedup"] == pytest.approx(
            cpu["serial_cpu_per_run"] / (cpu["workers_cpu_per_run"] / 2 + cpu["overhead_per_task"]))
