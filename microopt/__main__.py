"""``python -m microopt``: the same as the ``microopt`` command."""

from microopt.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
