"""Domain errors of the API app."""

from __future__ import annotations


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was already used with a different request body."""

    message = "This Idempotency-Key was used with a different request; use a new key."


class CsvBatchRejected(Exception):
    """An uploaded CSV batch with problems; nothing was queued. `problems` holds one
    {"row", "column", "message"} per problem (row 1 is the header, column None: the whole row)."""

    def __init__(self, problems: list[dict[str, object]]) -> None:
        count = len(problems)
        self.message = (
            f"The CSV has {count} problem{'s' if count != 1 else ''}; nothing was queued."
        )
        self.problems = problems
        super().__init__(self.message)
