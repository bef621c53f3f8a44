"""A writer process for durability and export tests.

Appends batches in a loop and prints ``committed <batch> <first_seq> <size>`` after
each append() returns. Batch b has a size derived from b, and every event in it
carries value = b, so a reader can check that each stored batch is whole.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from core.model import EVENT_DTYPE, EventKind
from core.store import Store


def batch_size(b: int) -> int:
    return 1 + (b * 7919) % 997


def make_batch(b: int) -> np.ndarray:
    n = batch_size(b)
    arr = np.zeros(n, dtype=EVENT_DTYPE)
    arr["ts_ms"] = 1_700_000_000_000 + b * 1000 + np.arange(n)
    arr["kind"] = int(EventKind.ENQUEUED)
    arr["interaction_id"] = b * 1000 + np.arange(n)
    arr["agent_id"] = -1
    arr["queue_id"] = 1 + b % 5
    arr["channel"] = 1 + b % 7
    arr["value"] = b
    return arr


def main() -> None:
    path, first_batch, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # A pause after each batch, in ms (optional): a floor's pace rather than flat out.
    pause_s = int(sys.argv[4]) / 1000 if len(sys.argv) > 4 else 0.0
    with Store.open(path) as store:
        for b in range(first_batch, first_batch + count):
            r = store.append(make_batch(b))
            print(f"committed {b} {r.first} {r.count}", flush=True)
            if pause_s:
                time.sleep(pause_s)


if __name__ == "__main__":
    main()
