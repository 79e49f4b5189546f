"""Progress lines on stderr, so a long run shows what it is doing."""

import sys
import time
from contextlib import contextmanager


def say(text: str) -> None:
    """One line on stderr, at once."""
    print(text, file=sys.stderr, flush=True)


@contextmanager
def step(text: str):
    """`text...` before the work and `took X s` after it."""
    say(f"{text}...")
    started = time.monotonic()
    yield
    say(f"  took {time.monotonic() - started:.1f} s")
