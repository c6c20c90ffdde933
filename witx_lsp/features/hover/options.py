"""What a hover shows (`HoverOptions`, from the client's settings, passed in by the caller) and the
Markdown pieces every hover section is written with."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from witx_lsp.layout import Layout
from witx_lsp.wiggle.codegen import DEFAULT_CONFIG, Config

# How many enum cases or flags a type's hover names before "… and N more" (hover a member for its value).
MAX_MEMBERS = 12
# How many lines of a definition's docs a hover shows before "…" (the rest is one hover away, at the definition).
MAX_DOC_LINES = 6
RULE = "\n\n---\n\n"


@dataclass(frozen=True)
class HoverOptions:
    """What a hover shows, from the client's settings (passed in by the caller).

    `rust`: the Rust forms wiggle generates (`witx.hover.rust`); `config`: the
    `wiggle::from_witx!` configuration (`witx.preview.config`) they are spelled with, the
    same one the preview (`features/preview.py`) generates with.
    """

    rust: bool = False
    config: Config = field(default_factory=lambda: DEFAULT_CONFIG)


def docs_text(docs: str) -> str | None:
    """A definition's doc comment, at most MAX_DOC_LINES lines."""
    lines = docs.strip().splitlines()
    if len(lines) > MAX_DOC_LINES:
        lines = [*lines[:MAX_DOC_LINES], "…"]
    return "\n".join(lines) or None


def code(text: str) -> str:
    """Inline code that is safe inside a Markdown table cell."""
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def witx_block(text: str) -> str:
    return f"```witx\n{text}\n```"


def join(parts: Sequence[str | None], sep: str = "\n\n") -> str:
    return sep.join(p for p in parts if p)


def size_align(lay: Layout) -> str:
    return f"size {lay.size}, align {lay.align}" if lay.ok else f"no layout: {lay.error}"
