"""Values through the wiggle runtime: encode a JSON value of a witx type into
its exact guest-memory bytes (with a field-by-field legend), and decode bytes
back into JSON, reporting the runtime's own errors ("Invalid enum value
Errno", "Pointer out of bounds: ..."). Backs `witx-lsp encode` / `decode` and
the `witx.encodeValue` / `witx.decodeValue` commands.

JSON forms: integers and handles are numbers (or "0x…" strings); floats are
numbers or "nan" / "inf" / "-inf"; a char is a one-character string; an enum is
its case name (a bool also true/false); flags are a list of flag names; a
record is an object keyed by field name, a tuple a list; a variant is
{"case": payload}, or the bare case name when it has no payload; a pointer is
an offset; a list or string is {"offset": n, "length": m} (or [n, m]).

The value is laid out at offset 0 of a scratch memory of exactly its size, so
alignment always holds and padding bytes are 0.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from witx_lsp.features.command_names import DECODE_VALUE as DECODE_VALUE
from witx_lsp.features.command_names import ENCODE_VALUE as ENCODE_VALUE
from witx_lsp.model.types import Builtin, BuiltinKind, Document
from witx_lsp.wiggle.runtime import (
    BytearrayMemory,
    GuestError,
    GuestPtr,
    GuestType,
    Primitive,
    PtrType,
    SlicePtr,
    SlicePtrType,
    StrPtr,
    StrPtrType,
    TypeSpace,
)
from witx_lsp.wiggle.runtime.witx_types import (
    CharType,
    EnumGuestType,
    FlagsGuestType,
    HandleGuestType,
    RecordGuestType,
    VariantGuestType,
)

COMMANDS = (ENCODE_VALUE, DECODE_VALUE)

_BUILTINS = {k.value: k for k in BuiltinKind}
MAX_VALUE_SIZE = 1 << 20


class ValueProblem(Exception):
    """The type is unknown, the JSON does not fit the type, or the bytes do not
    decode (then the message is the runtime's GuestError text)."""


@dataclass(frozen=True)
class LegendEntry:
    offset: int
    size: int
    path: str  # "" for the value itself, "fs_rights_base", "u.clock.timeout", "u (tag)", "(padding)"
    type: str  # the witx type name, "padding" for padding bytes
    value: Any  # the JSON value of this field (None for padding)
    hex: str

    def json(self) -> dict[str, Any]:
        return {"offset": self.offset, "size": self.size, "field": self.path, "type": self.type,
                "value": self.value, "hex": self.hex}


@dataclass(frozen=True)
class Encoded:
    type_name: str
    data: bytes
    align: int
    legend: tuple[LegendEntry, ...]
    value: Any  # the JSON value (normalised, as decode would give it)

    def json(self) -> dict[str, Any]:
        return {"type": self.type_name, "size": len(self.data), "align": self.align, "hex": self.data.hex(),
                "value": self.value, "legend": [e.json() for e in self.legend]}


def guest_type(document: Document, type_name: str) -> GuestType[Any]:
    """A typename of the document (with or without `$`), or a builtin."""
    return _lookup(document, type_name)[0]


def _lookup(document: Document, type_name: str) -> tuple[GuestType[Any], str]:
    name = type_name.removeprefix("$")
    nt = document.typename(name)
    space = type_space(document)
    if nt is not None:
        try:
            return space.of(nt), name
        except ValueError as e:
            raise ValueProblem(str(e)) from None
    if name in _BUILTINS:
        return space.of(Builtin(_BUILTINS[name])), name
    raise ValueProblem(f"no typename `{name}` in the loaded files")


_SPACES: OrderedDict[int, tuple[Document, TypeSpace]] = OrderedDict()
_SPACES_LOCK = threading.Lock()


def type_space(document: Document) -> TypeSpace:
    """The guest types of a document, shared by the calls about it (a few recent documents are kept)."""
    with _SPACES_LOCK:
        hit = _SPACES.get(id(document))
        if hit is not None and hit[0] is document:
            _SPACES.move_to_end(id(document))
            return hit[1]
        space = TypeSpace(document)
        _SPACES[id(document)] = (document, space)
        while len(_SPACES) > 8:
            _SPACES.popitem(last=False)
        return space


# --- JSON -> runtime values ---------------------------------------------------------------------------------


def _int(v: Any, what: str) -> int:
    if isinstance(v, bool):
        raise ValueProblem(f"{what}: expected an integer, got {json.dumps(v)}")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            pass
    raise ValueProblem(f"{what}: expected an integer, got {json.dumps(v)}")


def _float(v: Any, what: str) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)  # also "nan", "inf", "-inf"
        except ValueError:
            pass
    raise ValueProblem(f"{what}: expected a number, got {json.dumps(v)}")


def _range_check(ty: Primitive[Any], v: int, what: str) -> int:
    bits = ty.size * 8
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if ty.fmt.islower() else (0, (1 << bits) - 1)
    if not lo <= v <= hi:
        raise ValueProblem(f"{what}: {v} does not fit in {ty.name}")
    return v


def from_json(ty: GuestType[Any], v: Any, mem: BytearrayMemory, what: str = "value") -> Any:
    """The runtime value of type `ty` for a JSON value (pointers are made in `mem`)."""
    if isinstance(ty, Primitive):
        if ty.fmt in "fd":
            return _float(v, what)
        return _range_check(ty, _int(v, what), what)
    if isinstance(ty, HandleGuestType):
        return _u32(v, what)
    if isinstance(ty, CharType):
        if isinstance(v, str) and len(v) == 1:
            return v
        raise ValueProblem(f"{what}: expected a one-character string, got {json.dumps(v)}")
    if isinstance(ty, EnumGuestType):
        if isinstance(v, bool) and ty.cases == ("false", "true"):
            return "true" if v else "false"
        if isinstance(v, str) and v in ty.index:
            return v
        raise ValueProblem(f"{what}: expected one of {', '.join(ty.cases)}, got {json.dumps(v)}")
    if isinstance(ty, FlagsGuestType):
        if not isinstance(v, list) or not all(isinstance(f, str) for f in v):
            raise ValueProblem(f"{what}: expected a list of flag names, got {json.dumps(v)}")
        unknown = [f for f in v if f not in ty.bits]
        if unknown:
            raise ValueProblem(f"{what}: unknown flag {unknown[0]!r} (flags: {', '.join(ty.flags)})")
        return frozenset(v)
    if isinstance(ty, VariantGuestType):
        return _variant_from_json(ty, v, mem, what)
    if isinstance(ty, RecordGuestType):
        return _record_from_json(ty, v, mem, what)
    if isinstance(ty, PtrType):
        return GuestPtr(mem, _u32(v, what), ty.pointee)
    if isinstance(ty, (SlicePtrType, StrPtrType)):
        off, length = _pair(v, what)
        return StrPtr(mem, off, length) if isinstance(ty, StrPtrType) else SlicePtr(mem, off, length, ty.element)
    raise ValueProblem(f"{what}: values of {ty.name} cannot be written")


def _bad_u32(v: Any, what: str) -> int:
    raise ValueProblem(f"{what}: {json.dumps(v)} is not a u32")


def _u32(v: Any, what: str) -> int:
    n = _int(v.get("offset") if isinstance(v, dict) else v, what)
    return n if 0 <= n <= 0xFFFF_FFFF else _bad_u32(v, what)


def _pair(v: Any, what: str) -> tuple[int, int]:
    if isinstance(v, dict) and set(v) <= {"offset", "length"} and "offset" in v:
        a, b = v["offset"], v.get("length", 0)
    elif isinstance(v, list) and len(v) == 2:
        a, b = v
    else:
        raise ValueProblem(f'{what}: expected {{"offset": n, "length": m}}, got {json.dumps(v)}')
    return _u32(a, what), _u32(b, what)


def _variant_from_json(ty: VariantGuestType, v: Any, mem: BytearrayMemory, what: str) -> tuple[str, Any]:
    names = ", ".join(c for c, _ in ty.cases)
    if isinstance(v, str):
        case, payload = v, None
    elif isinstance(v, dict) and len(v) == 1:
        [(case, payload)] = v.items()
    else:
        raise ValueProblem(f'{what}: expected {{"case": payload}} or a case name ({names}), got {json.dumps(v)}')
    if case not in ty.index:
        raise ValueProblem(f"{what}: {json.dumps(case)} is not a case (cases: {names})")
    pty = ty.cases[ty.index[case]][1]
    if pty is None:
        if payload is not None:
            raise ValueProblem(f"{what}: case `{case}` has no payload")
        return case, None
    if payload is None:
        raise ValueProblem(f"{what}: case `{case}` needs a payload")
    return case, from_json(pty, payload, mem, f"{what}.{case}")


def _record_from_json(ty: RecordGuestType, v: Any, mem: BytearrayMemory, what: str) -> Any:
    if ty.factory is None:
        if not isinstance(v, list) or len(v) != len(ty.fields):
            raise ValueProblem(f"{what}: expected a list of {len(ty.fields)} values, got {json.dumps(v)}")
        return tuple(from_json(f[3], x, mem, f"{what}.{i}") for i, (f, x) in enumerate(zip(ty.fields, v, strict=True)))
    if not isinstance(v, dict):
        raise ValueProblem(f"{what}: expected an object with the fields of {ty.name}, got {json.dumps(v)}")
    known = {f[0] for f in ty.fields}
    extra = [k for k in v if k not in known]
    if extra:
        fields = ", ".join(f[0] for f in ty.fields)
        raise ValueProblem(f"{what}: {ty.name} has no field `{extra[0]}` (fields: {fields})")
    missing = [f[0] for f in ty.fields if f[0] not in v]
    if missing:
        raise ValueProblem(f"{what}: missing field `{missing[0]}` of {ty.name}")
    return {f[0]: from_json(f[3], v[f[0]], mem, _join(what, f[0])) for f in ty.fields}


def _join(path: str, name: str) -> str:
    return name if path in ("", "value") else f"{path}.{name}"


# --- runtime values -> JSON ---------------------------------------------------------------------------------


def to_json(ty: GuestType[Any], v: Any) -> Any:
    if isinstance(ty, Primitive) and ty.fmt in "fd":
        f = float(v)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f
    if isinstance(ty, EnumGuestType) and ty.cases == ("false", "true"):
        return v == "true"
    if isinstance(ty, FlagsGuestType):
        return [f for f in ty.flags if f in v]
    if isinstance(ty, VariantGuestType):
        case, payload = v
        pty = ty.cases[ty.index[case]][1]
        return {case: None if pty is None else to_json(pty, payload)}
    if isinstance(ty, RecordGuestType):
        values = ty.field_values(v)
        if ty.factory is None:
            return [to_json(f[3], x) for f, x in zip(ty.fields, values, strict=True)]
        return {f[0]: to_json(f[3], x) for f, x in zip(ty.fields, values, strict=True)}
    if isinstance(ty, PtrType):
        return v.offset()
    if isinstance(ty, (SlicePtrType, StrPtrType)):
        off, length = v.offset()
        return {"offset": off, "length": length}
    return v


# --- the legend ---------------------------------------------------------------------------------------------


def legend(ty: GuestType[Any], value: Any, data: bytes, offset: int = 0, path: str = "",
           type_label: str = "") -> list[LegendEntry]:
    """Every byte of the value, in order: one entry per scalar field, tag,
    pointer, list half and padding run."""
    out: list[LegendEntry] = []

    def leaf(off: int, size: int, p: str, t: str, v: Any) -> None:
        out.append(LegendEntry(off, size, p, t, v, data[off:off + size].hex()))

    def pad(start: int, end: int) -> None:
        if end > start:
            out.append(LegendEntry(start, end - start, "(padding)", "padding", None, data[start:end].hex()))

    def walk(t: GuestType[Any], v: Any, off: int, p: str, label: str) -> None:
        if isinstance(t, RecordGuestType):
            values = t.field_values(v)
            at = off
            for (name, _, foff, fty), fv, flabel in zip(t.fields, values, t.labels, strict=True):
                pad(at, off + foff)
                walk(fty, fv, off + foff, f"{p}.{name}" if p else name, flabel)
                at = off + foff + fty.size
            pad(at, off + t.size)
        elif isinstance(t, VariantGuestType):
            case, payload = v
            leaf(off, t.tag.size, f"{p} (tag)" if p else "(tag)", label, case)
            i = t.index[case]
            pty = t.cases[i][1]
            at = off + t.tag.size
            if pty is not None:
                pad(at, off + t.payload_offset)
                walk(pty, payload, off + t.payload_offset, f"{p}.{case}" if p else case, t.labels[i])
                at = off + t.payload_offset + pty.size
            pad(at, off + t.size)
        elif isinstance(t, (SlicePtrType, StrPtrType)):
            o, n = v.offset()
            leaf(off, 4, f"{p}.offset" if p else "offset", f"{label} (pointer)", o)
            leaf(off + 4, 4, f"{p}.length" if p else "length", f"{label} (length)", n)
        else:
            leaf(off, t.size, p, label, to_json(t, v))

    walk(ty, value, offset, path, type_label or ty.name)
    return out


# --- encode / decode ----------------------------------------------------------------------------------------


def encode_value(document: Document, type_name: str, value: Any) -> Encoded:
    ty, name = _lookup(document, type_name)
    if ty.size > MAX_VALUE_SIZE:
        raise ValueProblem(f"`{type_name}` is {ty.size} bytes, more than this preview shows")
    mem = BytearrayMemory(ty.size)
    runtime_value = from_json(ty, value, mem)
    try:
        GuestPtr(mem, 0, ty).write(runtime_value)
        stored = GuestPtr(mem, 0, ty).read()
    except (GuestError, ValueError, TypeError) as e:
        raise ValueProblem(str(e)) from None
    data = bytes(mem.data)
    return Encoded(name, data, ty.align, tuple(legend(ty, stored, data, type_label=name)), to_json(ty, stored))


@dataclass(frozen=True)
class Decoded:
    type_name: str
    value: Any
    legend: tuple[LegendEntry, ...]
    size: int
    extra: int  # bytes after the value

    def json(self) -> dict[str, Any]:
        return {"type": self.type_name, "size": self.size, "value": self.value, "extra_bytes": self.extra,
                "legend": [e.json() for e in self.legend]}


def decode_value(document: Document, type_name: str, data: bytes) -> Decoded:
    ty, name = _lookup(document, type_name)
    mem = BytearrayMemory(bytearray(data))
    try:
        value = GuestPtr(mem, 0, ty).read()
    except GuestError as e:
        raise ValueProblem(str(e)) from None
    head = bytes(data[:ty.size])
    return Decoded(name, to_json(ty, value), tuple(legend(ty, value, head, type_label=name)), ty.size,
                   max(0, len(data) - ty.size))


_HEX_JUNK = re.compile(r"0x|[\s:,_-]", re.IGNORECASE)


def parse_hex(text: str) -> bytes:
    """Hex digits, with optional spaces, colons, commas, `0x` prefixes."""
    digits = _HEX_JUNK.sub("", text)
    try:
        return bytes.fromhex(digits)
    except ValueError:
        raise ValueProblem(f"not hex bytes: {text!r}") from None


def legend_text(entries: tuple[LegendEntry, ...] | list[LegendEntry]) -> str:
    """The legend as an aligned table."""
    rows = [("offset", "size", "bytes", "field", "type", "value")]
    for e in entries:
        value = "" if e.type == "padding" else json.dumps(e.value, ensure_ascii=False)
        rows.append((str(e.offset), str(e.size), e.hex, e.path or "(value)", e.type, value))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, [*widths, 0], strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"
