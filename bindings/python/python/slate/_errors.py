"""The exceptions and finding records of the slate package.

Defined in Python so that they are ordinary, picklable classes; the native
module raises them by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class Diagnostic:
    """One finding of the checker, as ``slate check`` reports it.

    ``code`` is stable (``E0101``, ``L0003``; ``slate explain CODE`` says
    more), ``line`` and ``column`` are 1-based, and ``rendered`` is the text
    ``slate check`` prints for it (source excerpt, label and help).
    """

    code: str
    name: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    label: str
    help: Optional[str]
    rendered: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"


class CompileError(ValueError):
    """The policy did not compile. ``diagnostics`` holds every finding
    (errors and warnings) in stable order; ``str()`` renders them as
    ``slate check`` does."""

    def __init__(self, diagnostics: List[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        head = f"the policy has {len(errors)} error(s)"
        body = "\n".join(d.rendered.rstrip() for d in self.diagnostics)
        super().__init__(f"{head}\n{body}" if body else head)

    @property
    def errors(self) -> List[Diagnostic]:
        """The findings that are errors."""
        return [d for d in self.diagnostics if d.severity == "error"]

    def __reduce__(self):  # keep pickling (multiprocessing, Spark) working
        return (CompileError, (self.diagnostics,))


class TicketError(ValueError):
    """A ticket could not be read or evaluated.

    ``ticket`` is its id (when it could be read), ``item`` its 1-based
    position in a batch (``None`` for a single ticket), ``kind`` a stable
    name (``unknown_tier``, ``missing_field``, ``naive_time``, ...) and
    ``field`` the ticket field at fault (``tier``, ``events.at``, ...) when
    there is one. The message is the one ``slate eval`` prints.
    """

    def __init__(
        self,
        message: str,
        ticket: Optional[str] = None,
        item: Optional[int] = None,
        kind: str = "other",
        field: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.ticket = ticket
        self.item = item
        self.kind = kind
        self.field = field

    def __reduce__(self):
        return (
            TicketError,
            (self.message, self.ticket, self.item, self.kind, self.field),
        )
