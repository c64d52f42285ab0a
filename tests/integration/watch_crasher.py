"""``ocr-service watch`` that kills itself with SIGKILL at one step: a test plugin.

    python watch_crasher.py --after upload --nth 2 -- watch DIR --url URL ...

``--after claim``: right after its Nth claim into ``processing/`` (before sending);
``--after upload``: right after the service accepted its Nth upload (before the file is
moved to ``done/``). The package knows nothing of this; the seams are patched here.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from ocr_service.cli import main
from ocr_service.watch.client import Accepted, UploadClient
from ocr_service.watch.folder import ScanFolder


def die_after(cls: type, name: str, nth: int, counts: Callable[[Any], bool]) -> None:
    original = getattr(cls, name)
    seen = 0

    def patched(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal seen
        result = original(self, *args, **kwargs)
        if counts(result):
            seen += 1
            if seen >= nth:
                print(f"crasher: SIGKILL after {name} #{seen}", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(cls, name, patched)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--after", choices=["claim", "upload"], required=True)
    parser.add_argument("--nth", type=int, default=1)
    parser.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.after == "claim":
        die_after(ScanFolder, "claim", args.nth, lambda result: True)
    else:
        die_after(UploadClient, "send", args.nth, lambda result: isinstance(result, Accepted))
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    sys.exit(main(argv))
