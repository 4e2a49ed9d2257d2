"""Run every benchmark: python -m benchmarks [name ...]. Exit 1 when a target is missed."""

from __future__ import annotations

import importlib
import sys

BENCHES = ["evaluate", "simulate", "v3", "memory", "plan", "export", "app", "browser", "ci_import"]


def main(names: list[str]) -> int:
    ok = True
    for name in names or BENCHES:
        print(f"== {name}", flush=True)
        ok &= importlib.import_module(f"benchmarks.bench_{name}").run()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
