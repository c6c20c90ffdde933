"""GuestMemory, validate_size_align, GuestPtr, SlicePtr, StrPtr and the
borrow-checked views, on unshared and shared memory (wasmtime
crates/wiggle/src/lib.rs semantics; wiggle.md §2, §4)."""

from __future__ import annotations

import math
import struct

import pytest

from witx_lsp.wiggle.runtime import (
    F32,
    F64,
    I8,
    I16,
    U8,
    U16,
    U32,
    U64,
    BytearrayMemory,
    GuestMemory,
    GuestPtr,
    GuestSlice,
    GuestSliceMut,
    InvalidUtf8,
    PtrBorrowed,
    PtrNotAligned,
    PtrOutOfBounds,
    PtrOverflow,
    PtrType,
    Region,
    SliceLengthsDiffer,
    SlicePtr,
    SlicePtrType,
    StrPtr,
    Utf8Error,
    validate_size_align,
)


@pytest.fixture
def mem() -> BytearrayMemory:
    return BytearrayMemory(4096)


@pytest.fixture
def shared() -> BytearrayMemory:
    return BytearrayMemory(4096, shared=True)


# --- validate_size_align: overflow, then bounds, then alignment -----------------------------------------------


def test_overflow_comes_first(mem: BytearrayMemory) -> None:
    # out of bounds and misaligned too, but the u32 multiplication overflows first
    with pytest.raises(PtrOverflow):
        validate_size_align(mem, 4097, 0x4000_0000, 4, 4)
    with pytest.raises(PtrOverflow):
        SlicePtr(mem, 1, 0x4000_0000, U32).as_slice()


def test_bounds_before_alignment(mem: BytearrayMemory) -> None:
    with pytest.raises(PtrOutOfBounds) as e:
        validate_size_align(mem, 4093, 1, 4, 4)
    assert e.value.region == Region(4093, 4)
    with pytest.raises(PtrOutOfBounds) as e2:
        GuestPtr(mem, 0xFFFF_FFFF, U32).read()
    assert str(e2.value) == "Pointer out of bounds: Region { start: 4294967295, len: 4 }"


def test_alignment(mem: BytearrayMemory) -> None:
    with pytest.raises(PtrNotAligned) as e:
        GuestPtr(mem, 1, U32).read()
    assert (e.value.region, e.value.align) == (Region(1, 4), 4)
    with pytest.raises(PtrNotAligned) as e2:
        GuestPtr(mem, 4, U64).write(1)
    assert str(e2.value) == "Pointer not aligned to 8: Region { start: 4, len: 8 }"
    GuestPtr(mem, 3, U8).read()
    with pytest.raises(PtrNotAligned):
        GuestPtr(mem, 2, F32).read()


def test_empty_regions(mem: BytearrayMemory) -> None:
    assert validate_size_align(mem, 3, 0, 4, 4) == Region(3, 0)  # an empty region is never misaligned
    assert validate_size_align(mem, 4096, 0, 8, 8) == Region(4096, 0)  # one past the end is fine when empty
    with pytest.raises(PtrOutOfBounds) as e:
        validate_size_align(mem, 4097, 0, 1, 1)
    assert e.value.region == Region(4097, 0)
    assert validate_size_align(mem, 4092, 1, 4, 4) == Region(4092, 4)


# --- primitives ----------------------------------------------------------------------------------------


def test_primitives_little_endian(mem: BytearrayMemory) -> None:
    GuestPtr(mem, 8, U32).write(0x01020304)
    assert bytes(mem.data[8:12]) == b"\x04\x03\x02\x01"
    assert GuestPtr(mem, 8, U16).read() == 0x0304
    GuestPtr(mem, 16, I16).write(-2)
    assert GuestPtr(mem, 16, U16).read() == 0xFFFE
    GuestPtr(mem, 24, U64).write(2**64 - 1)
    assert GuestPtr(mem, 24, U64).cast(I8).read() == -1
    GuestPtr(mem, 32, F64).write(1.5)
    assert GuestPtr(mem, 32, F64).read() == 1.5
    with pytest.raises(ValueError):
        GuestPtr(mem, 0, U8).write(256)


def test_f32_keeps_its_bit_pattern(mem: BytearrayMemory) -> None:
    for bits in (0x7FA0_0001, 0xFFC0_1234, 0x7F80_0000, 0x0000_0001, 0x3F80_0000):  # sNaN, qNaN, inf, denormal, 1.0
        GuestPtr(mem, 0, U32).write(bits)
        value = GuestPtr(mem, 0, F32).read()
        GuestPtr(mem, 4, F32).write(value)
        assert GuestPtr(mem, 4, U32).read() == bits
    GuestPtr(mem, 8, F32).write(math.pi)
    assert GuestPtr(mem, 8, F32).read() == struct.unpack("<f", struct.pack("<f", math.pi))[0]
    with pytest.raises(ValueError):
        GuestPtr(mem, 8, F32).write(1e300)


def test_read_refuses_mut_borrow_write_refuses_any(mem: BytearrayMemory) -> None:
    h = mem.shared_borrow(Region(0, 4))
    assert GuestPtr(mem, 0, U32).read() == 0  # reading under a shared borrow is fine
    with pytest.raises(PtrBorrowed) as e:
        GuestPtr(mem, 2, U16).write(1)
    assert e.value.region == Region(2, 2)
    mem.shared_unborrow(h)
    h = mem.mut_borrow(Region(8, 8))
    with pytest.raises(PtrBorrowed) as e2:
        GuestPtr(mem, 12, U32).read()
    assert e2.value.region == Region(12, 4)
    GuestPtr(mem, 16, U32).read()
    mem.mut_unborrow(h)
    GuestPtr(mem, 12, U32).write(5)


# --- pointer arithmetic --------------------------------------------------------------------------------


def test_add(mem: BytearrayMemory) -> None:
    p = GuestPtr(mem, 16, U32)
    assert p.add(3).offset() == 28
    assert GuestPtr(mem, 0xFFFF_FFFC, U32).add(0).offset() == 0xFFFF_FFFC
    with pytest.raises(PtrOverflow):
        GuestPtr(mem, 0xFFFF_FFFC, U32).add(1)
    with pytest.raises(PtrOverflow):
        p.add(0x4000_0000)  # amt * size overflows u32
    assert repr(p) == "*guest 0x10" and repr(p.as_array(3)) == "*guest 0x10/3"
    assert p.cast(U8).offset() == 16 and p.cast(U8).ty is U8
    with pytest.raises(ValueError):
        GuestPtr(mem, -1, U8)


def test_get_get_range_iter(mem: BytearrayMemory) -> None:
    arr = GuestPtr(mem, 8, U32).as_array(4)
    assert [p.offset() for p in arr.iter()] == [8, 12, 16, 20]
    assert arr.get(3) == GuestPtr(mem, 20, U32)
    assert arr.get(4) is None
    sub = arr.get_range(1, 3)
    assert sub is not None and sub.offset() == (12, 2)
    assert arr.get_range(range(0, 4)) == arr
    assert arr.get_range(4, 4) == SlicePtr(mem, 24, 0, U32)
    assert arr.get_range(3, 2) is None
    assert arr.get_range(2, 5) is None
    assert arr.get_range(5, 5) is None
    near_top = SlicePtr(mem, 0xFFFF_FFF8, 3, U32)
    it = near_top.iter()
    assert next(it).offset() == 0xFFFF_FFF8 and next(it).offset() == 0xFFFF_FFFC
    with pytest.raises(PtrOverflow):
        next(it)


def test_pointers_in_memory(mem: BytearrayMemory) -> None:
    pp: GuestPtr[GuestPtr[int]] = GuestPtr(mem, 0, PtrType(U16))
    pp.write(GuestPtr(mem, 100, U16))
    inner = pp.read()
    assert inner.offset() == 100 and inner.ty is U16
    sp: GuestPtr[SlicePtr[int]] = GuestPtr(mem, 8, SlicePtrType(U8))
    sp.write(SlicePtr(mem, 64, 5, U8))
    assert bytes(mem.data[8:16]) == bytes.fromhex("4000000005000000")
    assert sp.read().offset() == (64, 5)
    with pytest.raises(PtrOutOfBounds) as e:  # the offset is read first
        GuestPtr(mem, 4092, SlicePtrType(U8)).read()
    assert e.value.region == Region(4096, 4)


# --- slices --------------------------------------------------------------------------------------------


def test_as_slice_borrows_and_releases(mem: BytearrayMemory) -> None:
    mem.data[0:4] = b"abcd"
    ptr = SlicePtr(mem, 0, 4, U8)
    s = ptr.as_slice()
    assert isinstance(s, GuestSlice)
    with s:
        assert s.tobytes() == b"abcd" and len(s) == 4 and s[1] == ord("b")
        assert mem.is_shared_borrowed(Region(0, 4))
        s2 = ptr.as_slice()  # shared borrows coexist
        assert s2 is not None
        s2.release()
        with pytest.raises(PtrBorrowed) as e:
            ptr.as_slice_mut()
        assert e.value.region == Region(0, 4)
        with pytest.raises(TypeError):
            s.view[0] = 1
    assert not mem.has_outstanding_borrows()
    with pytest.raises(ValueError):
        _ = s.view
    m = ptr.as_slice_mut()
    assert isinstance(m, GuestSliceMut)
    with m:
        m[0] = ord("z")
        with pytest.raises(PtrBorrowed):
            ptr.as_slice()
        with pytest.raises(PtrBorrowed):
            GuestPtr(mem, 2, U8).read()
    assert mem.data[0:4] == b"zbcd" and not mem.has_outstanding_borrows()


def test_typed_slice_views(mem: BytearrayMemory) -> None:
    SlicePtr(mem, 16, 3, U32).copy_from_slice([1, 2, 0xFFFF_FFFF])
    assert bytes(mem.data[16:28]) == struct.pack("<3I", 1, 2, 0xFFFF_FFFF)
    with SlicePtr(mem, 16, 3, U32).as_slice() as s:  # type: ignore[union-attr]
        assert s.tolist() == [1, 2, 0xFFFF_FFFF]
    assert SlicePtr(mem, 16, 3, U32).to_vec() == [1, 2, 0xFFFF_FFFF]
    assert SlicePtr(mem, 16, 2, U16).to_vec() == [1, 0]


def test_to_vec_reads_every_element(mem: BytearrayMemory) -> None:
    mem.data[0:8] = bytes(range(8))
    ptr = SlicePtr(mem, 0, 8, U8)
    assert ptr.to_vec() == list(range(8)) and ptr.to_bytes() == bytes(range(8))
    h = mem.shared_borrow(Region(0, 8))
    assert ptr.to_vec() == list(range(8))  # shared borrows do not stop reads
    mem.shared_unborrow(h)
    h = mem.mut_borrow(Region(5, 2))
    with pytest.raises(PtrBorrowed) as e:  # the seed's to_vec reads element by element
        ptr.to_vec()
    assert e.value.region == Region(5, 1)
    mem.mut_unborrow(h)
    with pytest.raises(PtrOutOfBounds):
        SlicePtr(mem, 4090, 8, U8).to_vec()


def test_copy_from_slice(mem: BytearrayMemory) -> None:
    ptr = SlicePtr(mem, 8, 4, U8)
    ptr.copy_from_slice(b"wxyz")
    assert mem.data[8:12] == b"wxyz" and not mem.has_outstanding_borrows()
    with pytest.raises(SliceLengthsDiffer):
        ptr.copy_from_slice(b"abc")
    with pytest.raises(PtrOutOfBounds):  # validation comes before the length check
        SlicePtr(mem, 4094, 4, U8).copy_from_slice(b"abc")
    h = mem.shared_borrow(Region(10, 1))
    with pytest.raises(PtrBorrowed) as e:
        ptr.copy_from_slice(b"abcd")
    assert e.value.region == Region(8, 4)
    SlicePtr(mem, 10, 0, U8).copy_from_slice(b"")  # empty: no borrow taken, no conflict
    mem.shared_unborrow(h)


def test_non_transparent_slices_are_refused(mem: BytearrayMemory) -> None:
    with pytest.raises(TypeError):
        SlicePtr(mem, 0, 1, PtrType(U8)).as_slice()


def test_as_unsafe_slice_mut_does_not_borrow(mem: BytearrayMemory) -> None:
    h = mem.mut_borrow(Region(0, 16))
    u = SlicePtr(mem, 0, 4, U32).as_unsafe_slice_mut()
    assert u.region == Region(0, 16) and u.len() == 4 and not u.is_shared_memory()
    u.view[0] = 7
    mem.mut_unborrow(h)
    assert GuestPtr(mem, 0, U32).read() == 7


# --- strings -------------------------------------------------------------------------------------------


def test_as_str(mem: BytearrayMemory) -> None:
    text = "héllo, wörld".encode()
    mem.data[100:100 + len(text)] = text
    sp = StrPtr(mem, 100, len(text))
    s = sp.as_str()
    assert s is not None
    with s:
        assert str(s) == "héllo, wörld" and len(s) == len(text) and s == "héllo, wörld"
        assert mem.is_shared_borrowed(Region(100, len(text)))
        # overlapping strings share (the upstream overlapping_string test)
        t = StrPtr(mem, 101, len(text) - 1).as_str()
        assert t is not None and str(t) == text[1:].decode()
        t.release()
        with pytest.raises(PtrBorrowed):
            sp.as_str_mut()
    assert not mem.has_outstanding_borrows()
    assert sp.as_bytes().offset() == (100, len(text)) and repr(sp) == f"*guest 0x64/{len(text)}"
    assert sp.as_bytes().as_str_ptr() == sp


def test_as_str_invalid_utf8_releases_the_borrow(mem: BytearrayMemory) -> None:
    mem.data[0:4] = b"ab\xffc"
    with pytest.raises(InvalidUtf8) as e:
        StrPtr(mem, 0, 4).as_str()
    assert e.value.error == Utf8Error(2, 1)
    assert str(e.value) == "Invalid UTF-8 encountered: Utf8Error { valid_up_to: 2, error_len: Some(1) }"
    assert not mem.has_outstanding_borrows()
    mem.data[8:10] = b"\xe2\x82"
    with pytest.raises(InvalidUtf8) as e2:
        StrPtr(mem, 8, 2).as_str_mut()
    assert e2.value.error == Utf8Error(0, None)
    assert not mem.has_outstanding_borrows()
    with pytest.raises(PtrOutOfBounds):
        StrPtr(mem, 4095, 2).as_str()


def test_as_str_mut(mem: BytearrayMemory) -> None:
    mem.data[0:5] = b"hello"
    s = StrPtr(mem, 0, 5).as_str_mut()
    assert s is not None
    with s:
        s.set("HELLO")
        assert str(s) == "HELLO"
        with pytest.raises(PtrBorrowed):
            StrPtr(mem, 4, 1).as_str()
    assert mem.data[0:5] == b"HELLO" and not mem.has_outstanding_borrows()


# --- shared memory ---------------------------------------------------------------------------------------


def test_shared_memory_has_no_safe_views(shared: BytearrayMemory) -> None:
    shared.data[0:3] = b"abc"
    assert shared.is_shared_memory()
    assert SlicePtr(shared, 0, 3, U8).as_slice() is None
    assert SlicePtr(shared, 0, 3, U8).as_slice_mut() is None
    assert StrPtr(shared, 0, 3).as_str() is None
    assert StrPtr(shared, 0, 3).as_str_mut() is None
    assert GuestPtr(shared, 0, U8).is_shared_memory()
    # copies still work, and are never borrow checked
    assert SlicePtr(shared, 0, 3, U8).to_vec() == list(b"abc")
    SlicePtr(shared, 0, 3, U8).copy_from_slice(b"xyz")
    assert shared.data[0:3] == b"xyz" and not shared.has_outstanding_borrows()
    # validation still applies
    with pytest.raises(PtrOutOfBounds):
        SlicePtr(shared, 4095, 3, U8).as_slice()
    with pytest.raises(PtrNotAligned):
        GuestPtr(shared, 2, U32).read()
    with pytest.raises(AssertionError):
        shared.mut_borrow(Region(0, 1))


def test_guest_memory_protocol(mem: BytearrayMemory) -> None:
    assert isinstance(mem, GuestMemory)
    p = mem.ptr(U32, 8)
    assert p.offset() == 8 and mem.slice_ptr(U8, 4, 2).offset() == (4, 2) and mem.str_ptr(1, 2).len() == 2
