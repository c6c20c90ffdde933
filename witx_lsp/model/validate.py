"""Declaration-level validation: one global namespace per load, definitions
before use, modules, functions, constants, and the Preview1 ABI checks of
results (WebAssembly/WASI tools/witx/src/validate.rs and abi.rs `Abi::validate`,
witx 0.9.1)."""

from __future__ import annotations

from dataclasses import dataclass

from witx_lsp.base.diagnostic import Diagnostic, Related, Severity
from witx_lsp.base.span import FileSpan, Span
from witx_lsp.model.symbols import SymbolIndex, SymbolKind
from witx_lsp.model.syntax_ast import ConstDecl, Decl, FuncDecl, ImportDecl, ModuleDecl, Name, TdRef, TypenameDecl
from witx_lsp.model.types import (
    BuiltinKind,
    Cases,
    Constant,
    Document,
    InterfaceFunc,
    Module,
    ModuleImport,
    NamedType,
    Param,
    RecordKind,
    TypeRef,
    VariantType,
    resolve,
    tuple_members,
    visit,
)
from witx_lsp.model.validate_types import ScopeEntry, TypeValidator

_new = tuple.__new__  # `_new(FileSpan, (path, span))`: FileSpan(path, span) without its Python-level __new__
# (An enum member is a class attribute lookup that costs several times a global's; these run for every name.)
_TYPENAME, _FUNC, _PARAM, _RESULT = SymbolKind.TYPENAME, SymbolKind.FUNC, SymbolKind.PARAM, SymbolKind.RESULT
_INT_BITS = {BuiltinKind.U8: (0, 8), BuiltinKind.U16: (0, 16), BuiltinKind.U32: (0, 32), BuiltinKind.U64: (0, 64),
             BuiltinKind.S8: (1, 8), BuiltinKind.S16: (1, 16), BuiltinKind.S32: (1, 32), BuiltinKind.S64: (1, 64)}


@dataclass(frozen=True)
class ValidatorState:
    """Everything a Validator has accumulated (copies), to resume from (model/incremental.py)."""

    scope: dict[str, ScopeEntry]
    diagnostics: tuple[Diagnostic, ...]
    typenames: tuple[NamedType, ...]
    modules: tuple[Module, ...]
    constants: tuple[Constant, ...]
    constant_scopes: dict[str, dict[str, Span]]
    symbols: SymbolIndex


class Validator(TypeValidator):
    def __init__(self, symbols: SymbolIndex) -> None:
        super().__init__(symbols)
        self.typenames: list[NamedType] = []
        self.modules: list[Module] = []
        self.constants: list[Constant] = []
        self.constant_scopes: dict[str, dict[str, Span]] = {}
        self._abi_problems: dict[int, tuple[TypeRef, str | None]] = {}  # by id of the result type, which it holds

    def state(self) -> ValidatorState:
        """A copy of the state between two declarations (entries of the scope are final
        once their declaration is done, so they are shared, not copied)."""
        return ValidatorState(dict(self.scope), tuple(self.diagnostics), tuple(self.typenames),
                              tuple(self.modules), tuple(self.constants),
                              {k: dict(v) for k, v in self.constant_scopes.items()}, self.symbols.copy())

    def restore(self, state: ValidatorState) -> None:
        """Continue from `state` (which stays unchanged: this validator works on copies)."""
        self.scope = dict(state.scope)
        self.diagnostics = list(state.diagnostics)
        self.typenames = list(state.typenames)
        self.modules = list(state.modules)
        self.constants = list(state.constants)
        self.constant_scopes = {k: dict(v) for k, v in state.constant_scopes.items()}
        self.symbols.replace_with(state.symbols)

    def document(self) -> Document:
        return Document(tuple(self.typenames), tuple(self.modules), tuple(self.constants))

    def introduce(self, name: Name, kind: str) -> ScopeEntry | None:
        prev = self.scope.get(name.text)
        if prev is not None:
            self.redefinition(name, prev.span)
            return None
        entry = ScopeEntry("typename" if kind == "typename" else "module", self.fs(name.span))
        self.scope[name.text] = entry
        return entry

    def decl(self, d: Decl) -> None:
        if isinstance(d, TypenameDecl):
            self.typename(d)
        elif isinstance(d, ModuleDecl):
            self.module(d)
        elif isinstance(d, ConstDecl):
            self.const(d)

    def typename(self, d: TypenameDecl) -> None:
        entry = self.introduce(d.name, "typename")
        if entry is None:
            return
        self.symbols.recorder()((True, _TYPENAME, (d.name.text,), self.path, d.name.span, d.span, d.docs))
        tref = self.datatype(d.type, True, d.name.span, (d.name.text,)) if d.type is not None else None
        if tref is None:
            entry.value = "broken"
            return
        named = NamedType(d.name.text, tref, d.docs, entry.span)  # (the FileSpan of the name)
        entry.value = named
        self.typenames.append(named)

    def module(self, d: ModuleDecl) -> None:
        entry = self.introduce(d.name, "module")
        if entry is None:
            return
        self.symbols.define_at(SymbolKind.MODULE, (d.name.text,), self.path, d.name.span, d.span, d.docs)
        names: dict[str, Span] = {}
        imports: list[ModuleImport] = []
        funcs: list[InterfaceFunc] = []
        for item in d.order:
            if isinstance(item, ImportDecl):
                if self._introduce_local(names, item.name, item.name_span):
                    self.symbols.define_at(SymbolKind.IMPORT, (d.name.text, item.name), self.path, item.name_span,
                                           item.span, item.docs)
                    imports.append(ModuleImport(item.name, item.docs, self.fs(item.name_span)))
            elif self._introduce_local(names, item.export, item.export_span):
                f = self.func(d.name.text, item)
                if f is not None:
                    funcs.append(f)
        module = Module(d.name.text, tuple(imports), tuple(funcs), d.docs, entry.span)
        entry.value = module
        self.modules.append(module)

    def _introduce_local(self, scope: dict[str, Span], name: str, span: Span) -> bool:
        if name in scope:
            self.error("E0302", f"Redefinition of name `{name}`", span,
                       (Related(self.path, scope[name], f"`{name}` was first defined here"),))
            return False
        scope[name] = span
        return True

    def func(self, module: str, f: FuncDecl) -> InterfaceFunc | None:
        path, record, scope = self.path, self.symbols.recorder(), self.scope
        record((True, _FUNC, (module, f.export), path, f.export_span, f.span, f.docs))
        argnames: dict[str, Span] = {}
        ok = True
        params: list[Param] = []
        param_kind, typename_kind = _PARAM, _TYPENAME
        for p in f.params:
            name = p.name
            text, span = name.text, name.span
            if text in argnames:
                self._introduce_local(argnames, text, span)  # reports it
                ok = False
                continue
            argnames[text] = span
            record((True, param_kind, (module, f.export, text), path, span, p.span, p.docs))
            typ = p.type
            tref: TypeRef | None
            if isinstance(typ, TdRef):
                ref = typ.name
                entry = scope.get(ref.text)
                value = entry.value if entry is not None else None
                if isinstance(value, NamedType):  # the common case: a typename defined before
                    record((False, typename_kind, (ref.text,), path, ref.span, None, ""))
                    tref = value
                else:
                    tref = self.ref(ref)
            else:
                tref = self.datatype(typ, False, span)
            if tref is None:
                ok = False
                continue
            params.append(Param(text, tref, p.docs, _new(FileSpan, (path, span))))
        results: list[Param] = []
        for r in f.results:
            tref = self.datatype(r.type, False, r.name.span)
            if not self._introduce_local(argnames, r.name.text, r.name.span):
                ok = False
                continue
            record((True, _RESULT, (module, f.export, r.name.text), path, r.name.span, r.span, r.docs))
            if tref is None:
                ok = False
                continue
            results.append(Param(r.name.text, tref, r.docs, _new(FileSpan, (path, r.name.span))))
        if not ok:
            return None
        reason = self._abi_result_problem(results)
        if reason is not None:
            self.error("E0306", f"ABI error: {reason}", f.export_span)
            return None
        return InterfaceFunc(f.export, tuple(params), tuple(results), f.noreturn, f.docs,
                             _new(FileSpan, (path, f.export_span)))

    def _abi_result_problem(self, results: list[Param]) -> str | None:
        """`abi_result_problem`, once per result type (by identity: the types of an `expected` are
        shared, see `TypeValidator._made`)."""
        if len(results) != 1:
            return abi_result_problem(results)
        tref = results[0].tref
        hit = self._abi_problems.get(id(tref))
        if hit is None:
            hit = self._abi_problems[id(tref)] = (tref, abi_result_problem(results))
        return hit[1]

    def const(self, d: ConstDecl) -> None:
        scope = self.constant_scopes.setdefault(d.type_name.text, {})
        if d.name.text in scope:
            self.error("E0302", f"Redefinition of name `{d.name.text}`", d.name.span,
                       (Related(self.path, scope[d.name.text], f"`{d.name.text}` was first defined here"),))
            return
        scope[d.name.text] = d.name.span
        self.symbols.define_at(SymbolKind.CONST, (d.type_name.text, d.name.text), self.path, d.name.span, d.span)
        entry = self.scope.get(d.type_name.text)
        if entry is None:
            self.error("E0312", f"constant `{d.name.text}` has type `{d.type_name.text}`, which is not defined "
                       "(witx 0.9.1 does not check this, and its docs generator crashes on it)", d.type_name.span)
        else:
            kind = SymbolKind.TYPENAME if entry.kind == "typename" else SymbolKind.MODULE
            self.symbols.refer_at(kind, (d.type_name.text,), self.path, d.type_name.span)
            if isinstance(entry.value, NamedType):
                self._const_range(d, entry.value)
        if d.docs:
            self.diagnostics.append(Diagnostic(
                "W0103", Severity.HINT, "this doc comment is discarded: witx 0.9.1 attaches comments before "
                "`(@witx const …)` to nothing", self.path, d.span))
        # The reference drops doc comments of constants (tools/witx/src/validate.rs, witx 0.9.1, builds
        # `Constant` without `docs`).
        self.constants.append(Constant(d.type_name.text, d.name.text, d.value, "", self.fs(d.name.span)))

    def _const_range(self, d: ConstDecl, named: NamedType) -> None:
        bits = visit(resolve(named), _CONST_BITS)
        if bits is None:
            self.error("E0313", f"constant `{d.name.text}` has type `{named.name}`, which is not an integer, flags "
                       "or enum type", d.type_name.span)
            return
        signed, width = bits
        limit = (1 << (width - 1)) - 1 if signed else (1 << width) - 1
        if d.value > limit:
            self.error("E0313", f"constant value {d.value} does not fit in `{named.name}` "
                       f"({'s' if signed else 'u'}{width}, at most {limit})", d.value_span)


def abi_result_problem(results: list[Param]) -> str | None:
    """`Abi::Preview1.validate` on results (WebAssembly/WASI tools/witx/src/abi.rs)."""
    if len(results) > 1:
        return "more than one result"
    if not results:
        return None
    return visit(resolve(results[0].tref), _RESULT_PROBLEM)


def _expected_problem(ty: VariantType) -> str | None:
    """An `expected` result must name its ok type (each member of a tuple ok type) and its error."""
    shape = ty.as_expected()
    if shape is None:
        return "invalid return type"
    ok, err = shape
    if ok is not None:
        members = tuple_members(ok)
        if members is not None:
            if not all(isinstance(m, NamedType) for m in members):
                return "only named types are allowed in results"
        elif not isinstance(ok, NamedType):
            return "only named types are allowed in results"
    if err is not None and not isinstance(err, NamedType):
        return "only named types are allowed in results"
    return None


_RESULT_PROBLEM: Cases[str | None] = Cases(
    builtin=lambda _: None, handle=lambda _: None, pointer=lambda _: None, const_pointer=lambda _: None,
    record=lambda t: None if t.kind is RecordKind.BITFLAGS else "invalid return type",
    list_=lambda _: "invalid return type", variant=_expected_problem)

# The (signed, bits) range of a constant's type: integers, flags with a repr, enums.
_CONST_BITS: Cases[tuple[int, int] | None] = Cases(
    builtin=lambda t: _INT_BITS.get(t.kind), list_=lambda _: None, pointer=lambda _: None,
    const_pointer=lambda _: None, handle=lambda _: None,
    record=lambda t: (0, t.repr.size * 8) if t.kind is RecordKind.BITFLAGS and t.repr is not None else None,
    variant=lambda t: (0, t.tag_repr.size * 8) if t.is_enum() else None)
