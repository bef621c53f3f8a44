"""The escalation store's calls over a Floor: reads on a reader, writes as operations
of the one writer (each told to the listeners as what it changes). The pager and
the inbox use it; the decisions and the sender's steps stay as they are written in
core.escalation, against the same methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.floor.floor import Changes, Floor
from core.store.escalation import EscalationStore

#: The methods that write, and what each changes; every other method only reads.
#: `earlier_contacts` writes too: it brings the customer_contacts cache up to date.
WRITES: dict[str, Changes] = {
    "add_complaints": Changes(complaints=True),
    "decide": Changes(complaints=True, pages=True),
    "add_page": Changes(pages=True),
    "attempt": Changes(pages=True),
    "acknowledge": Changes(complaints=True, pages=True),
    "earlier_contacts": Changes(),
}


class FloorEscalationDb:
    def __init__(self, floor: Floor) -> None:
        self.floor = floor

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(EscalationStore, name)
        if not callable(method) or name.startswith("_"):
            raise AttributeError(name)
        if name in WRITES:
            changes = WRITES[name]

            def write(*args: Any, **kwargs: Any) -> Any:
                return self.floor.write(
                    lambda store: method(EscalationStore(store), *args, **kwargs), changes)
            return write

        def read(*args: Any, **kwargs: Any) -> Any:
            with self.floor.reader() as store:
                return method(EscalationStore(store), *args, **kwargs)
        return read
