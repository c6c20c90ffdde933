"""The ABI glue on a bytearray memory: the upstream wiggle tests
(crates/wiggle/tests/*.rs: atoms, flags, handles, ints, lists, pointers,
records, strings, variant, errors) ported to Python implementations of the
corpus witx files (the cross-check; they need ../shared, and
test_abi_own.py runs the same paths on the project's own fixtures), plus the
InFunc errors of every conversion on inline witx (always run)."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, needs_corpus
from witx_lsp.model.analysis import analyze, analyze_text
from witx_lsp.model.types import Document
from witx_lsp.wiggle.runtime import (
    I32,
    U8,
    U32,
    AbiFunction,
    BytearrayMemory,
    Err,
    GuestPtr,
    GuestStr,
    HostError,
    InFunc,
    InvalidEnumValue,
    InvalidFlagValue,
    InvalidUtf8,
    Ok,
    PtrNotAligned,
    PtrOutOfBounds,
    Region,
    SlicePtr,
    StrPtr,
    TryFromIntError,
    TypeSpace,
    WiggleDefinitionError,
    module_functions,
)

TESTS = CORPUS / "wiggle" / "wiggle_tests"


def corpus_doc(name: str) -> Document:
    a = analyze([str(TESTS / f"{name}.witx")])
    assert not a.diagnostics, a.diagnostics
    return a.document


def funcs(doc: Document, module: str, impl: object, **kw: Any) -> dict[str, AbiFunction]:
    return {f.name: f for f in module_functions(doc, module, impl, **kw)}


ERRNO_OK = 0


def u32_at(mem: BytearrayMemory, off: int) -> int:
    return int(struct.unpack_from("<I", mem.data, off)[0])


# --- atoms --------------------------------------------------------------------------------------------


class Atoms:
    def __init__(self) -> None:
        self.seen: list[tuple[int, float]] = []

    def int_float_args(self, an_int: int, an_float: float) -> Ok[None]:
        self.seen.append((an_int, an_float))
        return Ok(None)

    def double_int_return_float(self, an_int: int) -> Ok[float]:
        return Ok(float(an_int) * 2.0)


@needs_corpus
def test_atoms() -> None:
    impl = Atoms()
    f = funcs(corpus_doc("atoms"), "atoms", impl)
    mem = BytearrayMemory()
    assert f["int_float_args"].params == ("i32", "f32") and f["int_float_args"].results == ("i32",)
    assert f["int_float_args"].call(mem, -1, 0.5) == ERRNO_OK
    assert impl.seen == [(0xFFFF_FFFF, 0.5)]  # u32: `arg as u32`
    assert f["double_int_return_float"].call(mem, 21, 8) == ERRNO_OK
    assert struct.unpack_from("<f", mem.data, 8)[0] == 42.0
    with pytest.raises(InFunc) as e:
        f["double_int_return_float"].call(mem, 21, 1)
    assert e.value == InFunc("atoms", "double_int_return_float", "write alias_to_float", PtrNotAligned(Region(1, 4), 4))
    with pytest.raises(InFunc) as e2:
        f["double_int_return_float"].call(mem, 21, -4)
    assert str(e2.value) == ("In func atoms::double_int_return_float at write alias_to_float: "
                             "Pointer out of bounds: Region { start: 4294967292, len: 4 }")


async def _ready(v: float) -> Ok[float]:
    return Ok(v)


@needs_corpus
def test_async_methods_run_in_the_dummy_executor() -> None:
    class AsyncAtoms(Atoms):
        def double_int_return_float(self, an_int: int) -> Any:
            return _ready(an_int * 3.0)

    f = funcs(corpus_doc("atoms"), "atoms", AsyncAtoms())
    mem = BytearrayMemory()
    assert f["double_int_return_float"].call(mem, 2, 0) == ERRNO_OK
    assert struct.unpack_from("<f", mem.data, 0)[0] == 6.0


# --- flags --------------------------------------------------------------------------------------------


class Flags:
    def configure_car(self, old_config: frozenset[str], old_config_by_ptr: GuestPtr[frozenset[str]]) -> Any:
        other = old_config_by_ptr.read()
        return Ok(old_config ^ other)


@needs_corpus
def test_flags() -> None:
    doc = corpus_doc("flags")
    f = funcs(doc, "flags", Flags())["configure_car"]
    mem = BytearrayMemory()
    mem.data[4] = 0b011  # automatic | awd
    assert f.call(mem, 0b110, 4, 8) == ERRNO_OK  # awd | suv
    assert mem.data[8] == 0b101
    for bad, err in ((0b1000, InvalidFlagValue("CarConfig")), (256, TryFromIntError()), (-1, TryFromIntError())):
        with pytest.raises(InFunc) as e:
            f.call(mem, bad, 4, 8)
        assert e.value == InFunc("flags", "configure_car", "convert CarConfig", err)
    mem.data[4] = 0xFF  # a bad value behind the pointer: the implementation's own read fails (a trap)
    with pytest.raises(InvalidFlagValue) as e2:
        f.call(mem, 0, 4, 8)
    assert str(e2.value) == "Invalid flag value CarConfig"


# --- handles, ints -------------------------------------------------------------------------------------


@needs_corpus
def test_handles() -> None:
    class Handles:
        def fd_create(self) -> Ok[int]:
            return Ok(123)

        def fd_consume(self, fd: int) -> Any:
            return Ok(None) if fd == 123 else Err("invalid_arg")

    f = funcs(corpus_doc("handles"), "handle_examples", Handles())
    mem = BytearrayMemory()
    assert f["fd_create"].params == ("i32",)
    assert f["fd_create"].call(mem, 0) == 0 and u32_at(mem, 0) == 123
    assert f["fd_consume"].call(mem, 123) == 0
    assert f["fd_consume"].call(mem, 5) == 1


@needs_corpus
def test_ints_and_a_named_bool() -> None:
    class Ints:
        def cookie_cutter(self, init_cookie: int) -> Ok[str]:
            return Ok("true" if init_cookie == 0 else "false")

    f = funcs(corpus_doc("ints"), "ints", Ints())["cookie_cutter"]
    mem = BytearrayMemory()
    assert f.params == ("i64", "i32")
    assert f.call(mem, 0, 0) == 0 and u32_at(mem, 0) == 1  # bool: an enum with a u32 tag
    assert f.call(mem, -1, 4) == 0 and u32_at(mem, 4) == 0


# --- lists, pointers ---------------------------------------------------------------------------------------


class Lists:
    def reduce_excuses(self, excuses: SlicePtr[GuestPtr[str]]) -> Any:
        last = None
        for p in excuses.iter():
            last = p.read().read()
        return Ok(last) if last is not None else Err("invalid_arg")

    def populate_excuses(self, excuses: SlicePtr[GuestPtr[str]]) -> Any:
        for p in excuses.iter():
            p.read().write("sleeping")
        return Ok(None)


@needs_corpus
def test_lists_of_pointers() -> None:
    f = funcs(corpus_doc("lists"), "lists", Lists())
    mem = BytearrayMemory()
    # three excuses at 100.., the pointer array at 16
    mem.data[100:103] = bytes([0, 1, 0])
    struct.pack_into("<3I", mem.data, 16, 100, 101, 102)
    assert f["reduce_excuses"].call(mem, 16, 3, 200) == 0 and mem.data[200] == 0
    assert f["reduce_excuses"].call(mem, 16, 0, 200) == 1
    assert f["populate_excuses"].call(mem, 16, 3) == 0 and mem.data[100:103] == bytes([2, 2, 2])
    mem.data[101] = 9
    with pytest.raises(InvalidEnumValue) as e:
        f["reduce_excuses"].call(mem, 16, 3, 200)
    assert e.value == InvalidEnumValue("Excuse")


class Traversal:
    def sum_of_element(self, elements: SlicePtr[Any], index: int) -> Any:
        p = elements.get(index)
        if p is None:
            return Err("invalid_arg")
        pair = p.read()
        return Ok(pair.first + pair.second)

    def sum_of_elements(self, elements: SlicePtr[Any], start: int, end: int) -> Any:
        r = elements.get_range(start, end)
        if r is None:
            return Err("invalid_arg")
        return Ok(sum(p.read().first + p.read().second for p in r.iter()))


@needs_corpus
def test_array_traversal() -> None:
    f = funcs(corpus_doc("lists"), "array_traversal", Traversal())
    mem = BytearrayMemory()
    struct.pack_into("<6i", mem.data, 64, 1, 2, 3, 4, -5, 6)
    assert f["sum_of_element"].call(mem, 64, 3, 1, 0) == 0 and struct.unpack_from("<i", mem.data, 0)[0] == 7
    assert f["sum_of_element"].call(mem, 64, 3, 3, 0) == 1
    assert f["sum_of_elements"].call(mem, 64, 3, 0, 3, 0) == 0 and struct.unpack_from("<i", mem.data, 0)[0] == 11
    assert f["sum_of_elements"].call(mem, 64, 3, 2, 1, 0) == 1
    assert f["sum_of_elements"].call(mem, 64, 3, 3, 3, 0) == 0 and u32_at(mem, 0) == 0


@needs_corpus
def test_pointers_and_enums() -> None:
    class Pointers:
        def pointers_and_enums(self, an_excuse: str, an_excuse_by_reference: GuestPtr[str],
                               a_lamer_excuse: GuestPtr[str], two_layers_of_excuses: GuestPtr[GuestPtr[str]]) -> Any:
            an_excuse_by_reference.write(an_excuse)
            inner = two_layers_of_excuses.read()
            two_layers_of_excuses.write(a_lamer_excuse)
            assert inner.read() == "traffic"
            return Ok(None)

    f = funcs(corpus_doc("pointers"), "pointers", Pointers())["pointers_and_enums"]
    mem = BytearrayMemory()
    mem.data[10] = 1
    struct.pack_into("<I", mem.data, 20, 10)
    assert f.call(mem, 2, 0, 5, 20) == 0
    assert mem.data[0] == 2 and u32_at(mem, 20) == 5
    with pytest.raises(InFunc) as e:
        f.call(mem, 3, 0, 5, 20)
    assert e.value == InFunc("pointers", "pointers_and_enums", "convert Excuse", InvalidEnumValue("Excuse"))
    with pytest.raises(InFunc) as e2:
        f.call(mem, 256, 0, 5, 20)
    assert e2.value.err == TryFromIntError()


# --- records -------------------------------------------------------------------------------------------


class Records:
    def sum_of_pair(self, an_pair: Any) -> Ok[int]:
        return Ok(an_pair.first + an_pair.second)

    def sum_of_pair_of_ptrs(self, an_pair: Any) -> Ok[int]:
        return Ok(an_pair.first.read() + an_pair.second.read())

    def sum_of_int_and_ptr(self, an_pair: Any) -> Ok[int]:
        return Ok(an_pair.first.read() + an_pair.second)

    def return_pair_ints(self) -> Ok[Any]:
        return Ok({"first": 10, "second": -20})

    def return_pair_of_ptrs(self, first: GuestPtr[int], second: GuestPtr[int]) -> Ok[Any]:
        return Ok((first, second))

    def sum_array(self, a_list: Any) -> Ok[int]:
        return Ok(sum(a_list.arr.to_vec()))


@needs_corpus
def test_records() -> None:
    doc = corpus_doc("records")
    f = funcs(doc, "records", Records())
    mem = BytearrayMemory()
    struct.pack_into("<ii", mem.data, 8, 40, 2)
    assert f["sum_of_pair"].call(mem, 8, 0) == 0 and struct.unpack_from("<q", mem.data, 0)[0] == 42
    with pytest.raises(InFunc) as e:
        f["sum_of_pair"].call(mem, 9, 0)
    # fields are read one by one: the first field's region is the one refused
    assert e.value == InFunc("records", "sum_of_pair", "read pair_ints", PtrNotAligned(Region(9, 4), 4))
    with pytest.raises(InFunc) as e2:
        f["sum_of_pair"].call(mem, 4092, 0)
    assert e2.value.err == PtrOutOfBounds(Region(4096, 4))  # the first field fits, the second does not
    struct.pack_into("<iiII", mem.data, 32, 5, 6, 32, 36)
    assert f["sum_of_pair_of_ptrs"].call(mem, 40, 0) == 0 and struct.unpack_from("<q", mem.data, 0)[0] == 11
    struct.pack_into("<Ii", mem.data, 48, 32, 7)
    assert f["sum_of_int_and_ptr"].call(mem, 48, 0) == 0 and struct.unpack_from("<q", mem.data, 0)[0] == 12
    assert f["return_pair_ints"].call(mem, 64) == 0 and struct.unpack_from("<ii", mem.data, 64) == (10, -20)
    assert f["return_pair_of_ptrs"].call(mem, 32, 36, 72) == 0 and struct.unpack_from("<II", mem.data, 72) == (32, 36)
    mem.data[128:132] = bytes([1, 2, 3, 250])
    struct.pack_into("<II", mem.data, 96, 128, 4)
    assert f["sum_array"].call(mem, 96, 0) == 0 and struct.unpack_from("<H", mem.data, 0)[0] == 256
    with pytest.raises(InFunc) as e3:
        f["return_pair_ints"].call(mem, 2)
    assert e3.value.location == "write pair_ints" and e3.value.err == PtrNotAligned(Region(2, 4), 4)


# --- strings -------------------------------------------------------------------------------------------


class Strings:
    def hello_string(self, a_string: StrPtr) -> Ok[int]:
        s = a_string.as_str()
        assert isinstance(s, GuestStr)
        with s:
            return Ok(len(s))

    def multi_string(self, a: StrPtr, b: StrPtr, c: StrPtr) -> Ok[int]:
        views = [p.as_str() for p in (a, b, c)]  # all three shared borrows at once
        total = sum(len(v) for v in views if v is not None)
        for v in views:
            if v is not None:
                v.release()
        return Ok(total)


STRINGS_FUNCS: dict[str, AbiFunction] = {}


def _strings() -> dict[str, AbiFunction]:
    if not STRINGS_FUNCS:
        STRINGS_FUNCS.update(funcs(corpus_doc("strings"), "strings", Strings()))
    return STRINGS_FUNCS


greek = st.text(alphabet=st.characters(min_codepoint=0x391, max_codepoint=0x3C9), min_size=1, max_size=64)


@needs_corpus
@settings(max_examples=60, deadline=None)
@given(greek, st.integers(0, 1000), st.integers(0, 500))
def test_hello_string(word: str, str_at: int, ret_slot: int) -> None:
    mem = BytearrayMemory()
    data = word.encode()
    ret = 2048 + 4 * ret_slot
    mem.data[str_at:str_at + len(data)] = data
    assert _strings()["hello_string"].call(mem, str_at, len(data), ret) == 0
    assert u32_at(mem, ret) == len(data) and not mem.has_outstanding_borrows()


@needs_corpus
@settings(max_examples=60, deadline=None)
@given(greek, greek, greek)
def test_multi_string(a: str, b: str, c: str) -> None:
    mem = BytearrayMemory()
    args = []
    at = 0
    for s in (a, b, c):
        data = s.encode()
        mem.data[at:at + len(data)] = data
        args += [at, len(data)]
        at += len(data) + 1
    assert _strings()["multi_string"].call(mem, *args, 4000) == 0
    assert u32_at(mem, 4000) == len(a.encode()) + len(b.encode()) + len(c.encode())


@needs_corpus
@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghijXYZ0189", min_size=1, max_size=200), st.data())
def test_overlapping_strings(a: str, data: st.DataObject) -> None:
    mem = BytearrayMemory()
    raw = a.encode()
    mem.data[0:len(raw)] = raw
    ob = data.draw(st.integers(0, len(raw) - 1))
    oc = data.draw(st.integers(0, len(raw) - 1))
    assert _strings()["multi_string"].call(mem, 0, len(raw), ob, len(raw) - ob, oc, len(raw) - oc, 3000) == 0
    assert u32_at(mem, 3000) == 3 * len(raw) - ob - oc


@needs_corpus
def test_invalid_utf8_is_the_implementations_error() -> None:
    mem = BytearrayMemory()
    mem.data[0:2] = b"\xc3("
    with pytest.raises(InvalidUtf8) as e:
        _strings()["hello_string"].call(mem, 0, 2, 8)
    assert str(e.value) == "Invalid UTF-8 encountered: Utf8Error { valid_up_to: 0, error_len: Some(1) }"
    assert not mem.has_outstanding_borrows()


# --- variants -----------------------------------------------------------------------------------------------


class Variants:
    def get_tag(self, r: tuple[str, Any]) -> Ok[str]:
        return Ok(r[0])

    def reason_mult(self, r: tuple[str, Any], multiply_by: int) -> Ok[None]:
        _case, ptr = r
        if ptr is not None:
            ptr.write(ptr.read() * multiply_by)
        return Ok(None)


@needs_corpus
def test_variants() -> None:
    doc = corpus_doc("variant")
    f = funcs(doc, "variant_example", Variants())
    mem = BytearrayMemory()
    space = TypeSpace(doc)
    reason = space.named("reason")
    assert (reason.size, reason.align) == (8, 4)
    GuestPtr(mem, 16, reason).write(("traffic", -3))
    assert bytes(mem.data[16:24]) == bytes.fromhex("01000000fdffffff")
    assert f["get_tag"].call(mem, 16, 0) == 0 and mem.data[0] == 1
    mem.data[16] = 3
    with pytest.raises(InFunc) as e:
        f["get_tag"].call(mem, 16, 0)
    assert e.value == InFunc("variant_example", "get_tag", "read reason", InvalidEnumValue("Reason"))
    struct.pack_into("<i", mem.data, 64, 7)
    GuestPtr(mem, 32, space.named("reason_mut")).write(("traffic", GuestPtr(mem, 64, I32)))
    assert f["reason_mult"].call(mem, 32, 6) == 0 and struct.unpack_from("<i", mem.data, 64)[0] == 42
    GuestPtr(mem, 32, space.named("reason_mut")).write(("sleeping", None))
    assert f["reason_mult"].call(mem, 32, 6) == 0


# --- errors -------------------------------------------------------------------------------------------------


class RichError(Exception):
    pass


@needs_corpus
def test_user_error_conversion() -> None:
    class One:
        def foo(self, strike: int) -> Any:
            if strike == 0:
                return Ok(None)
            return Err(RichError("picket line" if strike == 1 else "invalid"))

    def errno_from_rich_error(e: RichError) -> str:
        if str(e) == "invalid":
            raise RuntimeError("a trap from the conversion")
        return "picket_line"

    f = funcs(corpus_doc("errors_one_error_conversion"), "one_error_conversion", One(),
              errors={"errno": errno_from_rich_error})["foo"]
    mem = BytearrayMemory()
    assert f.call(mem, 0) == 0
    assert f.call(mem, 1) == 2
    with pytest.raises(RuntimeError, match="a trap from the conversion"):
        f.call(mem, 2)


@needs_corpus
def test_noreturn_and_success_override() -> None:
    class Two:
        def foo(self, strike: int) -> Any:
            return Ok(None)

        def bar(self, drink: int) -> Any:
            return Err("too_much_coffee") if drink > 3 else Ok(None)

        def baz(self, drink: int) -> BaseException:
            return RichError(f"drank {drink}")

    doc = corpus_doc("errors_two_error_conversions")
    f = funcs(doc, "two_error_conversions", Two())
    mem = BytearrayMemory()
    assert f["bar"].call(mem, 4) == 1 and f["bar"].call(mem, 1) == 0
    assert f["baz"].results == ()
    with pytest.raises(RichError, match="drank 5"):
        f["baz"].call(mem, 5)
    f2 = funcs(doc, "two_error_conversions", Two(), success={"errno2": "too_much_coffee"})
    assert f2["bar"].call(mem, 1) == 1

    class NotAnException(Two):
        def baz(self, drink: int) -> Any:
            return "exit"

    with pytest.raises(HostError, match="exit"):
        funcs(doc, "two_error_conversions", NotAnException())["baz"].call(mem, 1)


# --- conversions and definition errors --------------------------------------------------------------------------

NARROW = """
(typename $errno (enum (@witx tag u8) $ok $bad))
(typename $small (enum (@witx tag u8) $a $b))
(typename $opts (flags (@witx repr u32) $x $y))
(typename $alias $small)
(module $m
  (@interface func (export "narrow")
    (param $a u8) (param $b s8) (param $c u16) (param $d s16) (param $e (@witx char8))
    (result $r (expected (error $errno))))
  (@interface func (export "enums") (param $s $alias) (param $o $opts) (result $r (expected (error $errno))))
  (@interface func (export "pair") (result $r (expected (tuple $small $opts) (error $errno))))
  (@interface func (export "nothing") (param $x u64)))
"""


def narrow_doc() -> Document:
    a = analyze_text(NARROW)
    assert not a.diagnostics, a.diagnostics
    return a.document


class Narrow:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def narrow(self, a: int, b: int, c: int, d: int, e: int) -> Ok[None]:
        self.calls.append((a, b, c, d, e))
        return Ok(None)

    def enums(self, s: str, o: frozenset[str]) -> Ok[None]:
        self.calls.append((s, o))
        return Ok(None)

    def pair(self) -> Ok[tuple[str, frozenset[str]]]:
        return Ok(("b", frozenset({"y"})))

    def nothing(self, x: int) -> None:
        self.calls.append((x,))


@pytest.mark.parametrize(("args", "location"), [
    ((256, 0, 0, 0, 0), "convert u8"), ((-1, 0, 0, 0, 0), "convert u8"),
    ((0, 128, 0, 0, 0), "convert i8"), ((0, -129, 0, 0, 0), "convert i8"),
    ((0, 0, 65536, 0, 0), "convert u16"), ((0, 0, 0, 32768, 0), "convert i16"),
    ((0, 0, 0, 0, 300), "convert u8"),
])
def test_narrow_conversions(args: tuple[int, ...], location: str) -> None:
    f = funcs(narrow_doc(), "m", Narrow())["narrow"]
    with pytest.raises(InFunc) as e:
        f.call(BytearrayMemory(16), *args)
    assert e.value == InFunc("m", "narrow", location, TryFromIntError())
    assert str(e.value) == f"In func m::narrow at {location}: Int conversion error: TryFromIntError(())"


def test_conversions_that_pass() -> None:
    impl = Narrow()
    f = funcs(narrow_doc(), "m", impl)
    mem = BytearrayMemory(16)
    assert f["narrow"].call(mem, 255, -128, 65535, -32768, 65) == 0
    assert f["enums"].call(mem, 1, 3) == 0
    assert f["nothing"].call(mem, -1) is None
    assert impl.calls == [(255, -128, 65535, -32768, 65), ("b", frozenset({"x", "y"})), (2**64 - 1,)]
    with pytest.raises(InFunc) as e:
        f["enums"].call(mem, 2, 0)
    assert e.value == InFunc("m", "enums", "convert Small", InvalidEnumValue("Small"))  # the alias's target names it
    with pytest.raises(InFunc) as e2:
        f["enums"].call(mem, 0, -1)  # u32::try_from(-1i32) fails
    assert e2.value == InFunc("m", "enums", "convert Opts", TryFromIntError())
    with pytest.raises(InFunc) as e3:
        f["enums"].call(mem, 0, 4)
    assert e3.value.err == InvalidFlagValue("Opts")


def test_tuple_results_are_stored_last_member_first() -> None:
    f = funcs(narrow_doc(), "m", Narrow())["pair"]
    assert f.params == ("i32", "i32")
    mem = BytearrayMemory(16)
    assert f.call(mem, 0, 4) == 0 and mem.data[0] == 1 and u32_at(mem, 4) == 2
    # both out-pointers bad: the error names the last member, which is written first
    with pytest.raises(InFunc) as e:
        f.call(mem, 100, 101)
    assert e.value.location == "write opts" and e.value.err == PtrOutOfBounds(Region(101, 4))


@pytest.mark.parametrize(("text", "message"), [
    ('(typename $e (enum $ok)) (module $m (@interface func (export "f") (param $c char) '
     "(result $r (expected (error $e)))))", "char"),
    ('(module $m (@interface func (export "f") (result $r u32)))', "not an `expected`"),
    ('(typename $n u32) (module $m (@interface func (export "f") (result $r (expected (error $n)))))',
     "not an enum"),
    ('(typename $e (enum $ok)) (module $m (@interface func (export "f") (param $b bool) '
     "(result $r (expected (error $e)))))", "bool"),
])
def test_functions_wiggle_cannot_bind(text: str, message: str) -> None:
    doc = analyze_text(text).document

    class Anything:
        def f(self, *args: Any) -> Any:
            return Ok(None)

    with pytest.raises(WiggleDefinitionError, match=message):
        module_functions(doc, "m", Anything())


def test_missing_method_and_bad_return() -> None:
    doc = narrow_doc()
    with pytest.raises(TypeError, match="no method `narrow`"):
        module_functions(doc, "m", object())

    class Bad(Narrow):
        def pair(self) -> Any:
            return ("b", frozenset())

    with pytest.raises(TypeError, match="must return Ok"):
        funcs(doc, "m", Bad())["pair"].call(BytearrayMemory(16), 0, 4)


@needs_corpus
def test_guest_pointer_args_are_unchecked_until_used() -> None:
    class Lazy:
        def __init__(self) -> None:
            self.got: list[Any] = []

        def hello_string(self, a_string: StrPtr) -> Ok[int]:
            self.got.append(a_string)
            return Ok(0)

        def multi_string(self, a: StrPtr, b: StrPtr, c: StrPtr) -> Ok[int]:
            return Ok(0)

    impl = Lazy()
    f = funcs(corpus_doc("strings"), "strings", impl)["hello_string"]
    mem = BytearrayMemory(16)
    assert f.call(mem, -1, -1, 0) == 0
    assert impl.got[0].offset() == (0xFFFF_FFFF, 0xFFFF_FFFF)
    assert GuestPtr(mem, 0, U8).ty is U8 and U32.size == 4
