"""``python -m microopt.bench [--quick] [--repeat N] [--json]``: the same as ``microopt bench``."""

from microopt.bench.report import main

if __name__ == "__main__":
    raise SystemExit(main())
