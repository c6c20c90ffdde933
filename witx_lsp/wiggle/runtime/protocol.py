"""Typed Python Protocols for witx modules: the analogue of the Rust trait
wiggle generates for each module (wasmtime crates/wiggle/generate/src/module_trait.rs,
v19.0.2), so that mypy checks an implementation given to `add_to_linker`.

`generate_protocol(document, module)` returns the source of a Python module
with one definition per typename of the document (aliases, frozen dataclasses
for records, `Literal` unions for enums, and so on, matching the values of
`witx_lsp.wiggle.runtime.witx_types`) and a `typing.Protocol` class named after
the Rust trait with one method per function:

* params are the lifted values (pointers, lists and strings as GuestPtr,
  SlicePtr and StrPtr; records and variants by value);
* an `expected` result is `Result[Ok, Err]` (`Ok(value)` / `Err(error)`),
  with the error type replaced by a user type where `errors` says so (plus a
  `UserErrorConversion` Protocol with one hook per mapping);
* a noreturn function returns the exception to raise; no result is `None`.

Passing the generated module as `classes=` to `add_to_linker` makes the runtime
build its record classes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from witx_lsp.model.types import (
    Builtin,
    BuiltinKind,
    Cases,
    ConstPointerType,
    Document,
    InterfaceFunc,
    ListType,
    Module,
    NamedType,
    PointerType,
    RecordKind,
    RecordType,
    TypeRef,
    VariantType,
    resolve,
    visit,
)
from witx_lsp.wiggle.runtime._names import py_class_name, py_ident, rust_type_name, snake
from witx_lsp.wiggle.runtime.abi import method_name, param_name

RT = "_rt"


def _lit(names: Collection[str]) -> str:
    return f"_t.Literal[{', '.join(repr(n) for n in names)}]"


class _Emitter:
    def __init__(self, document: Document) -> None:
        self.document = document

    def ann(self, tref: TypeRef) -> str:
        """The annotation of a value of this type (unquoted expression)."""
        if isinstance(tref, NamedType):
            return py_class_name(tref.name)
        return visit(tref, Cases(
            builtin=lambda t: "str" if t.kind is BuiltinKind.CHAR
            else "float" if t.kind in (BuiltinKind.F32, BuiltinKind.F64) else "int",
            handle=lambda _: "int", pointer=self._pointer, const_pointer=self._pointer, list_=self._list,
            record=self._record, variant=self._variant))

    def _pointer(self, t: PointerType | ConstPointerType) -> str:
        return f"{RT}.GuestPtr[{self.ann(t.pointee)}]"

    def _list(self, t: ListType) -> str:
        el = resolve(t.element)
        if isinstance(el, Builtin) and el.kind is BuiltinKind.CHAR:
            return f"{RT}.StrPtr"
        return f"{RT}.SlicePtr[{self.ann(t.element)}]"

    def _record(self, t: RecordType) -> str:
        if t.kind is RecordKind.BITFLAGS:
            return f"frozenset[{_lit([m.name for m in t.members])}]" if t.members else "frozenset[str]"
        if t.kind is RecordKind.TUPLE:
            return f"tuple[{', '.join(self.ann(m.tref) for m in t.members)}]" if t.members else "tuple[()]"
        return "_t.Any"  # an inline record has no class

    def _variant(self, t: VariantType) -> str:
        if t.is_enum():
            return _lit([c.name for c in t.cases]) if t.cases else "_t.NoReturn"
        arms = [f"tuple[{_lit([c.name])}, {'None' if c.tref is None else self.ann(c.tref)}]" for c in t.cases]
        return " | ".join(arms) if arms else "_t.NoReturn"

    def typename(self, nt: NamedType) -> list[str]:
        name = py_class_name(nt.name)
        doc = [f"# witx `${nt.name}`"]
        t = nt.tref
        if isinstance(t, RecordType) and t.kind is RecordKind.OTHER:
            lines = [*doc, "@_dc.dataclass(frozen=True)", f"class {name}:"]
            if nt.docs:
                lines.append(f"    {_docstring(nt.docs)}")
            for m in t.members:
                lines.append(f"    {py_ident(m.name)}: {self.ann(m.tref)}")
            if not t.members:
                lines.append("    pass")
            return lines
        return [*doc, f"{name}: _t.TypeAlias = {self.ann(t)!r}"]

    def result(self, func: InterfaceFunc, errors: Mapping[str, str]) -> str:
        if func.noreturn:
            return "BaseException"
        if not func.results:
            return "None"
        res = func.results[0].tref
        var = resolve(res)
        pair = var.as_expected() if isinstance(var, VariantType) else None
        if pair is None:
            return "_t.NoReturn"  # not an `expected`: wiggle cannot bind this function
        ok, err = pair
        ok_ann = "None" if ok is None else self.ann(ok)
        if err is None:
            err_ann = "None"
        elif isinstance(err, NamedType) and err.name in errors:
            err_ann = errors[err.name]
        else:
            err_ann = self.ann(err)
        return f"{RT}.Result[{ok_ann}, {err_ann}]"

    def method(self, func: InterfaceFunc, errors: Mapping[str, str], is_async: bool) -> list[str]:
        params = ["self", *(f"{param_name(p.name)}: {self.ann(p.tref)}" for p in func.params)]
        head = f"    {'async ' if is_async else ''}def {method_name(func.name)}({', '.join(params)}) -> " \
               f"{self.result(func, errors)}:"
        if not func.docs:
            return [head + " ..."]
        return [head, f"        {_docstring(func.docs)}", "        ..."]


def _docstring(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return repr(first)


def trait_name(module: str) -> str:
    """The Protocol class of a module: its Rust trait name (names.rs `trait_name`)."""
    return py_class_name(module)


def generate_protocol(document: Document, module: str | Module, *, errors: Mapping[str, str] | None = None,
                      asynchronous: bool | Collection[str] = False,
                      runtime_module: str = "witx_lsp.wiggle.runtime") -> str:
    """Python source: the document's types and the Protocol of `module`.

    `errors` maps an error typename to a Python type expression (a user error
    type, which the source must be able to name: define or import it in
    the module that uses the Protocol, or give a dotted path importable at
    type-checking time). `asynchronous` makes every method `async def` (True)
    or only those named."""
    mod = document.module(module) if isinstance(module, str) else module
    if mod is None:
        raise KeyError(f"no module `{module}` in the document")
    errors = dict(errors or {})
    em = _Emitter(document)
    out = [
        f'"""Types and the Protocol of the witx module `{mod.name}`, generated by witx-lsp. Do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "import dataclasses as _dc",
        "import typing as _t",
        "",
        f"import {runtime_module} as {RT}",
        "",
    ]
    for nt in document.typenames:
        out.append("")
        out.extend(em.typename(nt))
    trait = trait_name(mod.name)
    if any(py_class_name(nt.name) == trait for nt in document.typenames):
        trait += "Trait"
    if errors:
        out += ["", "", "class UserErrorConversion(_t.Protocol):",
                '    """Hooks that turn a user error into the error enum (or raise to trap)."""']
        for abi, rich in errors.items():
            hook = f"{snake(abi)}_from_{snake(rust_type_name(rich.rsplit('.', 1)[-1]))}"
            out.append(f"    def {py_ident(hook)}(self, e: {rich}) -> {py_class_name(abi)}: ...")
    out += ["", "", f"class {trait}(_t.Protocol):"]
    if mod.docs:
        out.append(f"    {_docstring(mod.docs)}")
    if not mod.funcs:
        out.append("    pass")
    for f in mod.funcs:
        is_async = asynchronous is True or (not isinstance(asynchronous, bool) and f.name in asynchronous)
        out.extend(em.method(f, errors, is_async))
    return "\n".join(out) + "\n"
