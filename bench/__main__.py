"""`make bench`: run every benchmark module in bench/ (each has a `main()`), or the ones
named on the command line (`python -m bench forums`); what follows the first ``--option``
is left to the modules (`python -m bench forums --posts 1000000`)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    args = sys.argv[1:]
    first_option = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
    names = args[:first_option] or sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_")
    )
    if not names:
        print("No benchmark yet.")
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n=== bench/{name}.py ===")
        module.main()


if __name__ == "__main__":
    main()
