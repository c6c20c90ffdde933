"""A witx document -> one WIT package (docs/wit.md): interface `types` with the
typenames, one interface per witx module with its functions, and a world that
imports them all. A pure function of the model and `WitOptions`; everything that
does not carry over is a W07xx diagnostic at the witx construct."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from witx_lsp.base import codes
from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.base.span import FileSpan
from witx_lsp.model.types import Constant, Document, InterfaceFunc, Module, NamedType
from witx_lsp.wit.names import KEYWORDS, Scope, escape, is_identifier, kebab
from witx_lsp.wit.types import INDENT, TypeWriter, doc_lines

HANDLES = ("resource", "u32")
DEFAULT_VERSION = "0.1.0"
TYPES_INTERFACE = "types"
# `ns:name@version` (the version is optional): WIT package names (component-model WIT.md, "Package Names").
_SEMVER = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
_ID = r"[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*"
PACKAGE_RE = re.compile(rf"({_ID}):({_ID})(?:@({_SEMVER}))?")


@dataclass(frozen=True)
class WitOptions:
    package: str  # `ns:name@version`; `default_package` derives one from a file name
    handles: str = "resource"  # or "u32"


@dataclass(frozen=True)
class WitPackage:
    package: str
    world: str
    interfaces: tuple[str, ...]  # in the order the world imports them
    text: str
    diagnostics: tuple[Diagnostic, ...]
    # witx -> WIT: "typename NAME", "module NAME", "func MODULE.NAME" -> the WIT identifier.
    names: dict[str, str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        """The file `--out DIR` writes: the package's name part, `snapshot-preview1.wit`."""
        m = PACKAGE_RE.fullmatch(self.package)
        return f"{m.group(2) if m else 'package'}.wit"


def default_package(path: str) -> str:
    """The package name of a root file (docs/wit.md): its stem in kebab-case, split at its first
    `_`/`-` into namespace and name (`wasi_snapshot_preview1.witx` -> `wasi:snapshot-preview1`);
    a one-word stem, or one whose first word is a WIT keyword, gets namespace `witx` (`typenames.witx`
    -> `witx:typenames`, `type_a.witx` -> `witx:type-a`); a name that is a keyword gets `-witx`
    (`type.witx` -> `witx:type-witx`); version 0.1.0."""
    stem = kebab(PurePath(path).stem)
    ns, _, name = stem.partition("-")
    if not name or ns in KEYWORDS:
        ns, name = "witx", stem
    if name in KEYWORDS:
        name += "-witx"
    return f"{ns}:{name}@{DEFAULT_VERSION}"


def convert(doc: Document, options: WitOptions) -> WitPackage:
    return _Converter(doc, options).run()


class _Converter:
    def __init__(self, doc: Document, options: WitOptions) -> None:
        self.doc = doc
        self.options = options
        self.diags: list[Diagnostic] = []
        self.type_names: dict[str, str] = {}
        self.writer = TypeWriter(self.type_names, self.report, options.handles)
        self.names: dict[str, str] = {}

    def report(self, code: str, at: FileSpan | None, message: str) -> None:
        if at is not None:
            self.diags.append(Diagnostic(code, codes.default_severity(code), message, at.path, at.span))

    def run(self) -> WitPackage:
        pkg = self.options.package
        m = PACKAGE_RE.fullmatch(pkg)
        package_name = m.group(2) if m else "package"
        top = Scope((TYPES_INTERFACE,))
        module_names = [self.writer.ident(mod.name, mod.span, "module", top) for mod in self.doc.modules]
        world = top.claim(package_name)
        blocks = [f"package {pkg};", *self.types_interface()]
        for mod, ident in zip(self.doc.modules, module_names, strict=True):
            self.names[f"module {mod.name}"] = ident
            blocks += self.module_interface(mod, ident)
        interfaces = (TYPES_INTERFACE, *module_names)
        imports = "".join(f"{INDENT}import {escape(i)};\n" for i in interfaces)
        blocks.append(f"/// Everything the witx document declares.\nworld {escape(world)} {{\n{imports}}}")
        self.diags.sort(key=lambda d: (d.path, d.span.start, d.code))
        return WitPackage(pkg, world, interfaces, "\n\n".join(blocks) + "\n", tuple(self.diags), self.names)

    # --- interface `types` --------------------------------------------------------------------

    def types_interface(self) -> list[str]:
        scope = Scope()
        self.writer.scope = scope
        for named in self.doc.typenames:
            ident = self.writer.ident(named.name, named.span, "typename", scope)
            self.type_names[named.name] = ident
            self.names[f"typename {named.name}"] = ident
        consts: dict[str, list[Constant]] = {}
        for c in self.doc.constants:
            consts.setdefault(c.ty, []).append(c)
        items: list[str] = []
        for named in self.doc.typenames:
            items.append("\n".join(self.typename(named, consts.get(named.name, []))))
        for c in self.doc.constants:
            if c.ty not in self.type_names:
                self.report("W0703", c.span, f"constant `{c.name}` of unknown type `{c.ty}` is dropped")
        pending = self.writer.pending
        self.writer.pending = []
        body = "\n\n".join([*items, "\n".join(pending)] if pending else items)
        return [f"/// The witx typenames.\ninterface {TYPES_INTERFACE} {{\n{body}\n}}"]

    def typename(self, named: NamedType, consts: list[Constant]) -> list[str]:
        lines = doc_lines(named.docs, INDENT)
        if consts:
            lines += [f"{INDENT}///"] if lines else []
            lines.append(f"{INDENT}/// witx constants (WIT has none):")
            for c in consts:
                self.report("W0703", c.span, f"WIT has no constants: `{c.name}` = {c.value} is kept only as "
                                             f"documentation of `{self.type_names[named.name]}`")
                text = f"`{c.name}` = {c.value}" + (f": {' '.join(c.docs.split())}" if c.docs.strip() else "")
                lines += doc_lines(f"- {text}", INDENT)
        return lines + self.writer.define(self.type_names[named.name], named.tref, named.span, INDENT)

    # --- one interface per module -------------------------------------------------------------

    def module_interface(self, mod: Module, ident: str) -> list[str]:
        for imp in mod.imports:
            self.report("W0709", imp.span or mod.span, f"the import of memory `{imp.name}` is dropped: a component "
                                                       "does not share its memory")
        scope = Scope()
        self.writer.scope = scope
        self.writer.local = {}
        funcs: list[str] = []
        func_names = [self.writer.ident(f.name, f.span, "function", scope) for f in mod.funcs]
        for f, fname in zip(mod.funcs, func_names, strict=True):
            self.names[f"func {mod.name}.{f.name}"] = fname
            funcs.append("\n".join(self.function(f, fname)))
        local, self.writer.local = self.writer.local, None
        pending, self.writer.pending = self.writer.pending, []
        parts = []
        if local:
            uses = []
            for wit, name in local.items():
                if wit == name:
                    uses.append(escape(wit))
                    continue
                uses.append(f"{escape(wit)} as {escape(name)}")
                self.report("W0701", mod.span, f"type `{wit}` is used as `{name}` in interface `{ident}`, "
                                               "which has a function of that name")
            parts.append(f"{INDENT}use {TYPES_INTERFACE}.{{{', '.join(uses)}}};")
        parts += ["\n".join(pending)] if pending else []
        parts += funcs
        docs = "\n".join(doc_lines(mod.docs, ""))
        body = "\n\n".join(parts)
        return [f"{docs}\ninterface {escape(ident)} {{\n{body}\n}}".lstrip("\n")]

    def function(self, f: InterfaceFunc, fname: str) -> list[str]:
        lines = doc_lines(f.docs, INDENT)
        pscope = Scope()
        params = []
        for p in f.params:
            pname = self.writer.ident(p.name, p.span, "parameter", pscope)
            params.append(f"{escape(pname)}: {self.writer.expr(p.tref, p.span, f'{fname}-{pname}', borrow=True)}")
        result = self.results(f, fname)
        if f.noreturn:
            self.report("W0707", f.span, f"`(@witx noreturn)`: WIT cannot say that `{fname}` never returns; "
                                         "it is declared without results and documented")
            lines += [f"{INDENT}///"] if lines else []
            lines.append(f"{INDENT}/// Does not return (witx `@witx noreturn`).")
        return [*lines, f"{INDENT}{escape(fname)}: func({', '.join(params)}){result};"]

    def results(self, f: InterfaceFunc, fname: str) -> str:
        """` -> T`: the validator allows at most one result (witx 0.8's several results are
        migrated into one `expected` whose ok value is a tuple)."""
        if not f.results:
            return ""
        r = f.results[0]
        return f" -> {self.writer.expr(r.tref, r.span, f'{fname}-{r.name}')}"


def valid_package(text: str) -> bool:
    """`ns:name@version` as WIT spells package names (the version is optional)."""
    m = PACKAGE_RE.fullmatch(text)
    return (m is not None and is_identifier(m.group(1)) and is_identifier(m.group(2))
            and not {m.group(1), m.group(2)} & KEYWORDS)
