"""The `supervision-bot` console command: handlers/cli.py's `main`, with the collector off while
the command loads its modules (Bolt, the Teams SDK, SQLAlchemy, matplotlib), whose hundreds of
thousands of objects it would walk again and again to find no garbage. A long-running command turns
it on once loaded, freezing what is there (`cli._loaded`); the objects are frozen as the command
ends too, so that the interpreter's shutdown does not walk them either (0.7 s of a process that
loaded them all, more than a tick's own work). Everything is still closed and flushed as at any
exit. So that the imports are made with the collector off, this module imports nothing first."""

import gc
import sys


def run() -> None:
    gc.disable()
    try:
        from handlers.cli import main

        code = main()
    finally:
        gc.freeze()
    sys.exit(code)
