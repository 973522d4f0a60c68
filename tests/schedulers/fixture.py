"""The torch fixture cases, and how microopt replays one (shared by the scheduler tests)."""

from __future__ import annotations

import json

from microopt import Value, optim
from microopt.optim import lr_scheduler
from tests.fixtures import generate_scheduler_fixtures as generator

FIXTURE = json.loads(generator.OUT.read_text())
CASES = FIXTURE["cases"]
IDS = [case["name"] for case in CASES]


def build_microopt(case: dict):
    """The case's optimizer and scheduler, built from microopt."""
    return generator.build(case, optim, lr_scheduler, lambda: Value(0.0))


def run_microopt(case: dict) -> dict:
    """lr and momentum per group and epoch, recorded as the generator records torch's."""
    optimizer, scheduler = build_microopt(case)
    return generator.record(optimizer, scheduler, case["steps"], case.get("step_args"))
