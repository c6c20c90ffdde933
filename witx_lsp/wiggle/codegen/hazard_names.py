"""The name hazards of `wiggle::from_witx!` (W0609 a name that is no Rust identifier, W0610 two
names with one Rust name, W0611 a name that shadows a Rust prelude item), and the sink the
hazard checks of `hazards.py` write to. The rules mirror bytecodealliance/wasmtime
crates/wiggle/generate/src, v19.0.2 (names.rs `format_ident!`, module_trait.rs, types/*.rs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from witx_lsp.base.codes import default_severity
from witx_lsp.base.diagnostic import Diagnostic, Related
from witx_lsp.base.span import FileSpan
from witx_lsp.model.analysis import Analysis
from witx_lsp.model.types import Cases, HandleType, InterfaceFunc, NamedType, RecordKind, RecordType, VariantType, visit
from witx_lsp.wiggle import names
from witx_lsp.wiggle.codegen.config import Config
from witx_lsp.wiggle.codegen.typeref import LIFETIME_FREE_PROFILE

# Prelude names the generated code relies on (types) and constructors (a handle is a tuple struct).
PRELUDE_TYPES = ("Result", "Option", "Box", "String", "TryFrom", "From", "Into", "Send", "Sync", "Copy", "Fn")
PRELUDE_VALUES = ("Ok", "Err", "Some", "None")


@dataclass(frozen=True, slots=True)
class DeclHazards:
    """The hazards of one typename or function: its own (`own`), those of its names
    (`names`), and its Rust name (for the collisions between declarations)."""

    own: tuple[Diagnostic, ...]
    names: tuple[Diagnostic, ...]
    rust: str


def nothing(_: object) -> None:
    pass


class HazardSink:
    """Where the checks of one declaration (or of the whole document) put their warnings."""

    def __init__(self, analysis: Analysis, config: Config) -> None:
        self.analysis = analysis
        self.config = config
        self.out: list[Diagnostic] = []

    def add(self, code: str, message: str, at: FileSpan | None, data: dict[str, Any],
            related: tuple[Related, ...] = ()) -> None:
        if at is None:
            return
        self.out.append(Diagnostic(code, default_severity(code), message, at.path, at.span, related,
                                   data={"generator": "wiggle", **data}))

    def take(self) -> tuple[Diagnostic, ...]:
        out, self.out = tuple(self.out), []
        return out


class NameHazards(HazardSink):
    # --- names ----------------------------------------------------------------------------------------

    def ident(self, what: str, witx: str, rust: str, at: FileSpan | None) -> bool:
        """W0609 when `rust` is no identifier (or is `Self`); True when it is fine."""
        problem = names.ident_problem(rust)
        if problem is not None:
            self.add("W0609", f"{what} `{witx}` becomes `{rust}` in Rust, which is not an identifier: "
                     f"wiggle-generate panics (“{problem}”); rename it", at, {"rust": rust, "panic": problem})
            return False
        if rust == "Self":
            self.add("W0609", f"{what} `{witx}` becomes `Self` in Rust, a keyword wiggle does not escape (only "
                     "the witx name `self` becomes `Self_`): the generated code does not compile; rename it",
                     at, {"rust": rust})
            return False
        return True

    def collide(self, items: list[tuple[str, str, str, FileSpan | None]]) -> None:
        """(what, witx name, Rust name, where) items sharing one Rust namespace."""
        first: dict[str, tuple[str, str, FileSpan | None]] = {}
        for what, witx, rust, at in items:
            if names.ident_problem(rust) is not None:
                continue
            if rust in first:
                owhat, owitx, oat = first[rust]
                related = (Related(oat.path, oat.span, f"`{owitx}` also becomes `{rust}`"),) if oat else ()
                self.add("W0610", f"{what} `{witx}` and {owhat} `{owitx}` both become `{rust}` in Rust: the "
                         "generated code defines it twice and does not compile; rename one of them",
                         at, {"rust": rust}, related)
            else:
                first[rust] = (what, witx, at)

    # The name checks of one declaration (W0609, W0611, and collisions among its own members or
    # parameters); the collisions between declarations are `collisions`.

    def typename_names(self, named: NamedType) -> str:
        rust = names.type_name(named.name)
        self.ident("typename", f"${named.name}", rust, named.span)
        if rust in PRELUDE_TYPES or (rust in PRELUDE_VALUES and isinstance(named.tref, HandleType)):
            self.add("W0611", f"typename `${named.name}` becomes `{rust}`, which shadows Rust's prelude "
                     f"`{rust}` in the generated modules (the generated code uses it), so they do not "
                     "compile; rename it", named.span, {"rust": rust})
        self.members(named)
        return rust

    def function_names(self, f: InterfaceFunc) -> str:
        rust = names.escape_snake(f.name)
        self.ident("function", f'"{f.name}"', rust, f.span)
        params: list[tuple[str, str, str, FileSpan | None]] = []
        if self.config.profile >= LIFETIME_FREE_PROFILE:
            params.append(("the memory parameter", "mem", "mem", None))
        for p in f.params:
            self.ident("parameter", f"${p.name}", names.escape_snake(p.name), p.span)
            params.append(("parameter", f"${p.name}", names.escape_snake(p.name), p.span))
        self.collide(params)
        return rust

    def collisions(self, typenames: Sequence[DeclHazards], functions: Sequence[Sequence[DeclHazards]]) -> None:
        """The name checks between declarations, after those of each declaration (in the order
        they are written in `typenames` and `functions`, one sequence per module)."""
        doc, cfg = self.analysis.document, self.config
        types: list[tuple[str, str, str, FileSpan | None]] = [("the generated trait", "UserErrorConversion",
                                                                "UserErrorConversion", None)]
        for e in cfg.errors:
            if e.trappable and doc.typename(e.abi) is not None:
                types.append(("the trappable error type", e.rich, e.rich, None))
        for named, th in zip(doc.typenames, typenames, strict=True):
            self.out += th.names
            types.append(("typename", f"${named.name}", th.rust, named.span))
        self.collide(types)
        consts = []
        for c in doc.constants:
            rust = names.constant_name(c.ty, c.name)
            self.ident("constant", f"${c.ty} ${c.name}", rust, c.span)
            consts.append(("constant", f"${c.ty} ${c.name}", rust, c.span))
        self.collide(consts)
        mods: list[tuple[str, str, str, FileSpan | None]] = [("the generated module", "types", "types", None),
                                                              ("the generated module", "metadata", "metadata", None)]
        for m, fhs in zip(doc.modules, functions, strict=True):
            if self.ident("module", f"${m.name}", names.module_name(m.name), m.span):
                self.ident("module", f"${m.name}", names.type_name(m.name), m.span)
            mods.append(("module", f"${m.name}", names.module_name(m.name), m.span))
            funcs: list[tuple[str, str, str, FileSpan | None]] = []
            if cfg.wasmtime:
                funcs.append(("the generated function", "add_to_linker", "add_to_linker", None))
            for f, fh in zip(m.funcs, fhs, strict=True):
                self.out += fh.names
                funcs.append(("function", f'"{f.name}"', fh.rust, f.span))
            self.collide(funcs)
        self.collide(mods)

    def members(self, named: NamedType) -> None:
        """W0609/W0610 on the Rust names of a typename's fields, flags or cases."""
        items: list[tuple[str, str, str, FileSpan | None]] = []

        def add(what: str, witx: str, rust: str, at: FileSpan | None) -> None:
            self.ident(what, f"${witx}", rust, at)
            items.append((what, f"${witx}", rust, at))

        def record(t: RecordType) -> None:
            for m in t.members:
                if t.kind is RecordKind.OTHER:
                    add("field", m.name, names.escape_snake(m.name), m.span)
                elif t.kind is RecordKind.BITFLAGS:
                    add("flag", m.name, names.flag_member(m.name), m.span)

        def variant(t: VariantType) -> None:
            if not (t.cases and all(c.name.isdigit() for c in t.cases)):  # an untagged union is W0604
                for c in t.cases:
                    add("case", c.name, names.enum_variant(c.name), c.span)

        if not isinstance(named.tref, NamedType):
            visit(named.tref, Cases(builtin=nothing, list_=nothing, pointer=nothing, const_pointer=nothing,
                                    handle=nothing, record=record, variant=variant))
        self.collide(items)
