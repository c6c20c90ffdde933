"""Rust text laid out the way rustfmt (default configuration: 4-space indents,
`max_width = 100`, `fn_params_layout = "Tall"`) lays out the items the wiggle
generator emits.

Only the shapes the preview produces are covered: function signatures (one
line when the whole signature fits, otherwise one parameter per line with a
trailing comma; a `where` clause always on its own lines), type aliases (broken
after `=` when too long), and blocks of lines the generators lay out themselves
(short bodies whose rustfmt form is fixed, such as a chain broken before
`.ok_or(…)` or a struct literal wider than rustfmt's `struct_lit_width` of 18).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

MAX_WIDTH = 100
INDENT = "    "


@dataclass(frozen=True)
class FnSig:
    """`[qualifiers]fn name[generics](params) [-> ret] [where preds]`."""

    name: str
    params: tuple[str, ...] = ()
    ret: str | None = None
    generics: str = ""
    qualifiers: str = ""  # "pub ", "async ", "pub const ", "pub unsafe ", …
    where: tuple[str, ...] = ()

    def head(self) -> str:
        return f"{self.qualifiers}fn {self.name}{self.generics}"

    def tail(self) -> str:
        return f" -> {self.ret}" if self.ret is not None else ""

    def one_line(self) -> str:
        """The signature on one line with single spaces (no `where`, no terminator)."""
        return f"{self.head()}({', '.join(self.params)}){self.tail()}"


@dataclass
class RustWriter:
    """Lines of Rust at a current indentation level."""

    level: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return INDENT * self.level

    def fits(self, text: str, extra_level: int = 0) -> bool:
        return len(INDENT * (self.level + extra_level)) + len(text) <= MAX_WIDTH

    def line(self, text: str = "") -> None:
        self.lines.append(self.prefix + text if text else "")

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        out = list(self.lines)
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n" if out else ""

    @contextmanager
    def block(self, opener: str, closer: str = "}") -> Iterator[None]:
        """`opener` (ending in `{`), the indented contents, then `closer`."""
        self.line(opener)
        self.level += 1
        try:
            yield
        finally:
            self.level -= 1
            self.line(closer)

    def lines_in(self, body: list[str]) -> None:
        """Pre-formatted lines, indented one level further than the current one (relative
        indentation inside `body` is kept)."""
        self.level += 1
        for b in body:
            self.line(b)
        self.level -= 1

    # --- items ----------------------------------------------------------------------------------------

    def fn(self, sig: FnSig, body: list[str] | None = None, *, terminator: str | None = None) -> None:
        """A function: `body` None gives a declaration ending in `;` (or `terminator`), an empty list
        gives `{}`, otherwise the body's lines (one level deeper)."""
        end = (terminator if terminator is not None else ";") if body is None else (" {" if body else " {}")
        one = sig.one_line()
        if sig.where:
            if self.fits(one):
                self.line(one)
            else:
                self._vertical_params(sig, "")
            self.line("where")
            self.level += 1
            for pred in sig.where:
                self.line(pred + ",")
            self.level -= 1
            if body is None:
                self.line(end.strip())
                return
            self.line("{}" if not body else "{")
        elif self.fits(one + end):
            self.line(one + end)
        else:
            self._vertical_params(sig, end)
        if body:
            self.lines_in(body)
            self.line("}")

    def _vertical_params(self, sig: FnSig, end: str) -> None:
        if not sig.params:
            self.line(f"{sig.head()}(){sig.tail()}{end}")
            return
        self.line(f"{sig.head()}(")
        self.level += 1
        for p in sig.params:
            self.line(p + ",")
        self.level -= 1
        self.line(f"){sig.tail()}{end}")

    def type_alias(self, head: str, rhs: str) -> None:
        """`head = rhs;` (head is `pub type A<'a>`)."""
        one = f"{head} = {rhs};"
        if self.fits(one):
            self.line(one)
        else:
            self.line(f"{head} =")
            self.level += 1
            self.line(rhs + ";")
            self.level -= 1


def fits(level: int, text: str) -> bool:
    return len(INDENT * level) + len(text) <= MAX_WIDTH


def match_arm(level: int, pattern: str, body: str) -> list[str]:
    """`pattern => body,` at `level`, or, when that is too wide, the body in a block on its own line
    (rustfmt's `rewrite_match_body` prefers the next line when the body then fits on one)."""
    one = f"{pattern} => {body},"
    if fits(level, one):
        return [one]
    return [f"{pattern} => {{", INDENT + body, "}"]


def single_child_chain(level: int, root: str, child: str) -> list[str]:
    """`root.child` (a chain of one method call) at `level`: on one line when it fits (rustfmt's
    `chain_width` does not apply to a single child), else the child on the next line, else the child's
    nested call arguments broken as rustfmt overflows a sole call argument."""
    if fits(level, root + child):
        return [root + child]
    if fits(level + 1, child):
        return [root, INDENT + child]
    head, sep, inner = child.rpartition("(")
    closing = ")" * (len(child) - len(child.rstrip(")")) - 1)
    return [root, f"{INDENT}{head}{sep}", f"{INDENT * 2}{inner.rstrip(')')}", f"{INDENT}){closing}"]


__all__ = ["INDENT", "MAX_WIDTH", "FnSig", "RustWriter", "fits", "match_arm", "single_child_chain"]
