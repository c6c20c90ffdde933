"""strace-style tracing of host calls, decoded through the witx types.

`traced(document, module, implementation, sink)` returns an object with the
same methods as `implementation` for the functions of `module`; each call is
passed on unchanged and then reported to `sink` as one line:

    fd_write(fd=1, iovs=[{buf: 0x11010 "hello\\n", buf_len: 6}]) -> Ok(6)
    path_open(fd=3, dirflags=symlink_follow, path="nope", oflags=0, ...) -> Err(noent)

Integers print in decimal, pointers in hex, enums by case name, flags as
`a|b` (`0` when empty), records as `{field: value}`, variants as `case(payload)`,
strings and byte buffers (a `u8` pointer followed by its `<name>_len`)
quoted and cut after `MAX_BYTES` bytes, lists after `MAX_ITEMS` items. Arguments
are decoded after the call, so buffers the host filled show what it wrote.
A noreturn function is reported before it leaves, a trap with its message.
Without tracing nothing is wrapped: the cost of `--trace` when it is off is nil.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Cases,
    ConstPointerType,
    Document,
    InterfaceFunc,
    ListType,
    Module,
    PointerType,
    RecordKind,
    RecordType,
    TypeRef,
    VariantType,
    resolve,
    visit,
)
from witx_lsp.wiggle.runtime import U8, Err, GuestError, GuestPtr, Ok, SlicePtr, StrPtr, TypeSpace, method_name

MAX_BYTES = 32
MAX_ITEMS = 8
_ESC = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x22: '\\"', 0x5C: "\\\\", 0x00: "\\0"}


def quote(data: bytes, limit: int = MAX_BYTES) -> str:
    """`data` as a C-style string literal, cut after `limit` bytes (`"..."...`)."""
    out = []
    for b in data[:limit]:
        out.append(_ESC.get(b) or (chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}"))
    return '"' + "".join(out) + '"' + ("..." if len(data) > limit else "")


def _is_u8(tref: TypeRef) -> bool:
    t = resolve(tref)
    return isinstance(t, Builtin) and t.kind is BuiltinKind.U8


def _bytes_at(ptr: GuestPtr[Any], length: int) -> str:
    try:
        data = SlicePtr(ptr.mem(), ptr.offset(), min(length, MAX_BYTES + 1), U8).to_bytes()
    except GuestError:
        return "<unreadable>"
    return quote(data)


class Formatter:
    """Values of one document's types as text."""

    def __init__(self, types: TypeSpace) -> None:
        self.types = types

    def value(self, v: Any, tref: TypeRef) -> str:
        def record(t: RecordType) -> str:
            if t.kind is RecordKind.BITFLAGS:
                names = [m.name for m in t.members if m.name in v]
                return "|".join(names) if names else "0"
            return self._record(v, t)

        def variant(t: VariantType) -> str:
            if t.is_enum():
                return str(v)
            case, payload = v
            c = next((c for c in t.cases if c.name == case), None)
            if c is None or c.tref is None or payload is None:
                return str(case)
            return f"{case}({self.value(payload, c.tref)})"

        def pointer(_: object) -> str:
            return f"{v.offset():#x}" if isinstance(v, GuestPtr) else str(v)

        return visit(resolve(tref), Cases(
            builtin=lambda t: repr(v) if t.kind in (BuiltinKind.F32, BuiltinKind.F64, BuiltinKind.CHAR) else str(v),
            handle=lambda _: str(v), pointer=pointer, const_pointer=pointer, list_=lambda t: self._list(v, t),
            record=record, variant=variant))

    def _list(self, v: Any, t: ListType) -> str:
        if isinstance(v, StrPtr):
            return _bytes_at(v.as_bytes().as_ptr(), len(v))
        if not isinstance(v, SlicePtr):
            return repr(v)
        if _is_u8(t.element):
            return _bytes_at(v.as_ptr(), len(v))
        items = []
        try:
            for i, p in enumerate(v.iter()):
                if i == MAX_ITEMS:
                    items.append("...")
                    break
                items.append(self.value(p.read(), t.element))
        except GuestError:
            items.append("<unreadable>")
        return "[" + ", ".join(items) + "]"

    def _record(self, v: Any, t: RecordType) -> str:
        values = self.types.of(t).field_values(v)  # type: ignore[attr-defined]
        if t.kind is RecordKind.TUPLE:
            return "(" + ", ".join(self.value(x, m.tref) for x, m in zip(values, t.members, strict=True)) + ")"
        parts = []
        for i, (m, x) in enumerate(zip(t.members, values, strict=True)):
            text = self.value(x, m.tref)
            nxt = t.members[i + 1] if i + 1 < len(t.members) else None
            if (nxt is not None and nxt.name == m.name + "_len" and isinstance(x, GuestPtr)
                    and _pointee_u8(m.tref)):
                text += " " + _bytes_at(x, values[i + 1])
            parts.append(f"{m.name}: {text}")
        return "{" + ", ".join(parts) + "}"

    def call(self, func: InterfaceFunc, values: list[Any]) -> str:
        parts = []
        for i, (p, v) in enumerate(zip(func.params, values, strict=True)):
            text = self.value(v, p.tref)
            nxt = func.params[i + 1] if i + 1 < len(func.params) else None
            if nxt is not None and nxt.name == p.name + "_len" and isinstance(v, GuestPtr) and _pointee_u8(p.tref):
                text += " " + _bytes_at(v, values[i + 1])
            parts.append(f"{p.name}={text}")
        return f"{func.name}({', '.join(parts)})"

    def result(self, func: InterfaceFunc, ret: Any) -> str:
        if not func.results:
            return "()"
        res = resolve(func.results[0].tref)
        pair = res.as_expected() if isinstance(res, VariantType) else None
        if type(ret) is Ok:
            ok = pair[0] if pair else None
            return "Ok(())" if ok is None else f"Ok({self.value(ret.value, ok)})"
        if type(ret) is Err:
            return f"Err({ret.error})"
        return repr(ret)


def _pointee_u8(tref: TypeRef) -> bool:
    t = resolve(tref)
    return isinstance(t, (PointerType, ConstPointerType)) and _is_u8(t.pointee)


class _Traced:
    """The wrapped methods, as attributes (what `add_to_linker` looks up)."""


def traced(document: Document, module: str | Module, implementation: object,
           sink: Callable[[str], None], *, types: TypeSpace | None = None) -> object:
    mod = document.module(module) if isinstance(module, str) else module
    if mod is None:
        raise KeyError(f"no module `{module}` in the document")
    fmt = Formatter(types or TypeSpace(document))
    out = _Traced()
    for func in mod.funcs:
        name = method_name(func.name)
        method = getattr(implementation, name, None)
        if callable(method):
            setattr(out, name, _wrap(func, method, fmt, sink))
    return out


def _wrap(func: InterfaceFunc, method: Callable[..., Any], fmt: Formatter,
          sink: Callable[[str], None]) -> Callable[..., Any]:
    def show_call(values: tuple[Any, ...]) -> str:
        try:
            return fmt.call(func, list(values))
        except Exception as e:  # a value the types do not describe: never let tracing break the call
            return f"{func.name}(<{type(e).__name__}: {e}>)"

    def show_result(ret: Any) -> str:
        try:
            return fmt.result(func, ret)
        except Exception:
            return repr(ret)

    def call(*values: Any) -> Any:
        if func.noreturn:
            sink(f"{show_call(values)} -> noreturn")
            return method(*values)
        try:
            ret = method(*values)
        except BaseException as e:
            sink(f"{show_call(values)} -> trap: {e}")
            raise
        sink(f"{show_call(values)} -> {show_result(ret)}")
        return ret
    call.__name__ = method_name(func.name)
    return call
