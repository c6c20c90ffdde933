"""Names in scope at a position: the typenames and modules that witx has
introduced before it, in load order (one namespace, definition before use:
WebAssembly/WASI tools/witx/src/toplevel.rs and
validate.rs at 0.9.1). Used by completion and by the "did you mean" fix."""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.base.span import Span
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.types import (
    STRING,
    Cases,
    NamedType,
    RecordKind,
    RecordType,
    VariantType,
    visit,
)
from witx_lsp.syntax.tree import Atom, Node, SList, TokenKind, docs_of


@dataclass(frozen=True, slots=True)
class ScopeName:
    name: str
    kind: str  # "typename" or "module"
    path: str
    span: Span  # of the `$name`
    docs: str


# Recent answers, by analysis and the top-level form the cursor is in: completion asks
# again at every keystroke inside one form, and the answer only changes with the analysis.
_CACHE: dict[tuple[int, str, int], tuple[Analysis, list[ScopeName]]] = {}
_CACHE_SIZE = 32


def names_in_scope(analysis: Analysis, path: str, offset: int) -> list[ScopeName]:
    """Typenames and modules defined before the top-level form of `path` at
    `offset`, in load order (the order `witx::load` validates them in)."""
    f = analysis.files.get(path)
    items = f.tree.items if f is not None else []
    form = next((i for i, item in enumerate(items)
                 if not _before(item, items[i + 1] if i + 1 < len(items) else None, offset)), len(items))
    key = (id(analysis), path, form)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is analysis:
        return list(hit[1])
    out = _names_in_scope(analysis, path, offset)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = (analysis, out)
    return list(out)


def _names_in_scope(analysis: Analysis, path: str, offset: int) -> list[ScopeName]:
    out: list[ScopeName] = []
    seen: set[str] = set()
    loaded: set[str] = set()
    for root in analysis.roots:
        if root in loaded or root not in analysis.files:
            continue
        loaded.add(root)
        stack: list[tuple[str, int, int]] = [(root, 0, 0)]  # (file, next item, next use)
        while stack:
            p, i, u = stack.pop()
            f = analysis.files[p]
            items = f.tree.items
            if i >= len(items):
                continue
            item = items[i]
            if p == path and not _before(item, items[i + 1] if i + 1 < len(items) else None, offset):
                return out
            stack.append((p, i + 1, u))
            if not isinstance(item, SList) or len(item.items) < 2:
                continue
            head, arg = item.head, item.items[1]
            if head is not None and head.text == "use" and isinstance(arg, Atom) and arg.kind is TokenKind.STRING:
                stack[-1] = (p, i + 1, u + 1)
                target = f.uses[u] if u < len(f.uses) else None
                if target is not None and target in analysis.files and target not in loaded:
                    loaded.add(target)
                    stack.append((target, 0, 0))
            elif head is not None and head.text in ("typename", "module") and isinstance(arg, Atom) \
                    and arg.kind is TokenKind.ID and arg.name not in seen:
                seen.add(arg.name)
                out.append(ScopeName(arg.name, head.text, p, arg.span, docs_of(item.leading)))
    return out


def _before(item: Node, following: Node | None, offset: int) -> bool:
    """Whether a top-level item lies wholly before the cursor."""
    if isinstance(item, SList) and not item.closed:
        return following is not None and following.start <= offset
    return item.end <= offset


def _is_enum(t: VariantType) -> bool:
    return t.form == "enum" or (t.is_enum() and t.form not in ("bool", "expected"))


# What kind of type a typename names, by the kind of its type (a builtin's typename is an alias).
_KIND: Cases[str] = Cases(
    builtin=lambda _: "alias", handle=lambda _: "handle", pointer=lambda _: "pointer",
    const_pointer=lambda _: "pointer", list_=lambda t: "string" if t == STRING else "list",
    record=lambda t: {RecordKind.BITFLAGS: "flags", RecordKind.TUPLE: "tuple"}.get(t.kind, "record"),
    variant=lambda t: "enum" if _is_enum(t) else "variant")


def typename_kind(named: NamedType) -> str:
    """What kind of type a typename names: alias, record, tuple, flags, enum, variant
    (variant, union, expected), handle, list, string or pointer."""
    return "alias" if isinstance(named.tref, NamedType) else visit(named.tref, _KIND)


def _describe_record(t: RecordType) -> str:
    if t.kind is RecordKind.BITFLAGS:
        return f"flags ({(t.repr.value if t.repr else 'u32')}), {len(t.members)} flags"
    if t.kind is RecordKind.TUPLE:
        return f"tuple of {len(t.members)}"
    return f"record, {len(t.members)} field{'s' if len(t.members) != 1 else ''}"


_DESCRIBE: Cases[str] = Cases(
    builtin=lambda t: t.witx, handle=lambda _: "handle", pointer=lambda _: "pointer",
    const_pointer=lambda _: "pointer", list_=lambda t: "string" if t == STRING else "list", record=_describe_record,
    variant=lambda t: f"enum ({t.tag_repr.value}), {len(t.cases)} members" if _is_enum(t)
    else f"{t.form} ({t.tag_repr.value} tag), {len(t.cases)} cases")


def describe(named: NamedType) -> str:
    """A one-line description of a typename's type."""
    if isinstance(named.tref, NamedType):
        return f"alias of ${named.tref.name}"
    return visit(named.tref, _DESCRIBE)
