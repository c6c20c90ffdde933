"""The diagnostic value every layer produces (positions are offsets; the
server and the CLI turn them into lines and columns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from witx_lsp.base.span import Span


class Severity(IntEnum):
    """Ordered as in LSP: lower is more severe."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


# The words a user may give for a severity (`witx-lsp check --severity CODE=LEVEL`, the server's
# `witx.diagnostics.severity` setting); `off` drops the code.
SEVERITY_LEVELS: dict[str, Severity | None] = {
    "error": Severity.ERROR, "warning": Severity.WARNING, "information": Severity.INFORMATION,
    "info": Severity.INFORMATION, "hint": Severity.HINT, "off": None}


class Tag(IntEnum):
    UNNECESSARY = 1
    DEPRECATED = 2


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    path: str
    span: Span
    related: tuple[Related, ...] = ()
    tags: tuple[Tag, ...] = ()
    # Machine-readable facts for quick fixes (JSON-serialisable).
    data: dict[str, Any] | None = field(default=None, compare=False, hash=False)
