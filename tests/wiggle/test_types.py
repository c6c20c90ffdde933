"""`pub mod types`: each kind of typename as wiggle defines it (wiggle.md §5.5),
laid out at the top level as rustfmt would. Expected texts are written by hand
from the generator's rules (bytecodealliance/wasmtime crates/wiggle/generate/src/types)."""

from __future__ import annotations

import textwrap

from witx_lsp.model.analysis import analyze_text
from witx_lsp.wiggle.codegen import Config, Preview, generate, parse_config

ERRNO = "(typename $errno (enum (@witx tag u16) $success $badf))\n"


def preview(src: str, config: str | None = None, profile: int = 19) -> Preview:
    analysis = analyze_text(src)
    assert not analysis.has_errors(), analysis.diagnostics
    cfg = parse_config(config, require_witx=False, profile=profile) if config else Config(profile=profile)
    return generate(analysis.document, cfg)


def types_of(src: str, config: str | None = None, profile: int = 19) -> dict[str, str]:
    return preview(src, config, profile).types


def block(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_builtin_pointer_and_list_aliases() -> None:
    t = types_of("""(typename $size u32)
(typename $c8 (@witx char8))
(typename $us (@witx usize))
(typename $s64 s64)
(typename $ch char)
(typename $len $size)
(typename $p (@witx pointer u8))
(typename $pp (@witx const_pointer (@witx pointer $size)))
(typename $bytes (list u8))
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
(typename $iovec_array (list $iovec))
(typename $bufs $iovec_array)
(typename $path string)""")
    assert t["size"] == "pub type Size = u32;\n"
    assert t["c8"] == "pub type C8 = u8;\n"
    assert t["us"] == "pub type Us = u32;\n"
    assert t["s64"] == "pub type S64 = i64;\n"
    assert t["ch"] == "pub type Ch = char;\n"
    assert t["len"] == "pub type Len = Size;\n"
    assert t["p"] == "pub type P<'a> = wiggle::GuestPtr<'a, u8>;\n"
    assert t["pp"] == "pub type Pp<'a> = wiggle::GuestPtr<'a, wiggle::GuestPtr<'a, Size>>;\n"
    assert t["bytes"] == "pub type Bytes<'a> = wiggle::GuestPtr<'a, [u8]>;\n"
    assert t["iovec_array"] == "pub type IovecArray<'a> = wiggle::GuestPtr<'a, [Iovec<'a>]>;\n"
    assert t["bufs"] == "pub type Bufs<'a> = IovecArray<'a>;\n"
    # A named string uses the generic list rule, not the `str` of an anonymous string (W0605).
    assert t["path"] == "pub type Path<'a> = wiggle::GuestPtr<'a, [char]>;\n"


def test_record_without_lifetime() -> None:
    t = types_of("(typename $pair_ints (record (field $first s32) (field $second s32)))")
    assert t["pair_ints"] == block("""
        #[derive(Clone, Debug, PartialEq)]
        pub struct PairInts {
            pub first: i32,
            pub second: i32,
        }

        impl PairInts {
            pub const fn offset_of_first() -> u32 {
                0u32
            }
            pub const fn offset_of_second() -> u32 {
                4u32
            }
        }

        impl<'a> wiggle::GuestType<'a> for PairInts {
            #[inline]
            fn guest_size() -> u32 {
                8u32
            }
            #[inline]
            fn guest_align() -> usize {
                4usize
            }
            fn read(location: &wiggle::GuestPtr<'a, Self>) -> Result<Self, wiggle::GuestError> {
                // elided: reads each field at its offset
            }
            fn write(location: &wiggle::GuestPtr<'_, Self>, val: Self) -> Result<(), wiggle::GuestError> {
                // elided: writes each field at its offset
            }
        }
        """)


def test_record_with_lifetime_padding_and_keywords() -> None:
    t = types_of("""(typename $self (record (field $become s32) (field $mut s32)))
(typename $pair_different_ints
  (record (field $first s64) (field $second s16) (field $third s16) (field $fourth s32)))
(typename $some_bytes (list u8))
(typename $record_of_list (record (field $arr $some_bytes) (field $ptr (@witx const_pointer s32))))""")
    assert t["self"].startswith(block("""
        #[derive(Clone, Debug, PartialEq)]
        pub struct Self_ {
            pub become_: i32,
            pub mut_: i32,
        }

        impl Self_ {
            pub const fn offset_of_become_() -> u32 {
        """))
    different = t["pair_different_ints"]
    assert [line.strip() for line in different.splitlines() if line.strip().endswith("u32")] == [
        "0u32", "8u32", "10u32", "12u32", "16u32"]  # the four offsets, then guest_size
    assert "        8usize\n" in different
    assert t["record_of_list"].startswith(block("""
        #[derive(Clone, Debug)]
        pub struct RecordOfList<'a> {
            pub arr: SomeBytes<'a>,
            pub ptr: wiggle::GuestPtr<'a, i32>,
        }

        impl<'a> RecordOfList<'a> {
        """))
    assert "impl<'a> wiggle::GuestType<'a> for RecordOfList<'a> {\n" in t["record_of_list"]


def test_flags() -> None:
    t = types_of("(typename $car_config (flags (@witx repr u8) $automatic $awd $suv))")
    assert t["car_config"] == block("""
        wiggle::bitflags::bitflags! {
            #[derive(Copy, Clone, Debug, PartialEq, Eq)]
            pub struct CarConfig: u8 {
                const AUTOMATIC = 1;
                const AWD = 2;
                const SUV = 4;
            }
        }

        impl ::std::fmt::Display for CarConfig {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(stringify!(CarConfig))?;
                f.write_str("(")?;
                ::std::fmt::Debug::fmt(self, f)?;
                f.write_str(" (0x")?;
                ::std::fmt::LowerHex::fmt(&self.bits(), f)?;
                f.write_str("))")?;
                Ok(())
            }
        }

        impl TryFrom<u8> for CarConfig {
            type Error = wiggle::GuestError;
            #[inline]
            fn try_from(value: u8) -> Result<Self, wiggle::GuestError> {
                CarConfig::from_bits(value)
                    .ok_or(wiggle::GuestError::InvalidFlagValue(stringify!(CarConfig)))
            }
        }

        impl TryFrom<i32> for CarConfig {
            type Error = wiggle::GuestError;
            #[inline]
            fn try_from(value: i32) -> Result<Self, wiggle::GuestError> {
                CarConfig::try_from(u8::try_from(value)?)
            }
        }

        impl From<CarConfig> for u8 {
            #[inline]
            fn from(e: CarConfig) -> u8 {
                e.bits()
            }
        }

        impl<'a> wiggle::GuestType<'a> for CarConfig {
            #[inline]
            fn guest_size() -> u32 {
                u8::guest_size()
            }
            #[inline]
            fn guest_align() -> usize {
                u8::guest_align()
            }
            fn read(location: &wiggle::GuestPtr<CarConfig>) -> Result<CarConfig, wiggle::GuestError> {
                use std::convert::TryFrom;
                let reprval = u8::read(&location.cast())?;
                let value = CarConfig::try_from(reprval)?;
                Ok(value)
            }
            fn write(
                location: &wiggle::GuestPtr<'_, CarConfig>,
                val: Self,
            ) -> Result<(), wiggle::GuestError> {
                let val: u8 = u8::from(val);
                u8::write(&location.cast(), val)
            }
        }
        """)


def test_u64_flags_convert_from_i64() -> None:
    rights = types_of("(typename $rights (flags (@witx repr u64) $fd_datasync $fd_read))")["rights"]
    assert "    pub struct Rights: u64 {\n        const FD_DATASYNC = 1;\n        const FD_READ = 2;\n" in rights
    assert "impl TryFrom<i64> for Rights {" in rights and "Rights::try_from(u64::try_from(value)?)" in rights


def test_enum_with_try_from_and_from() -> None:
    t = types_of("(typename $excuse (enum (@witx tag u8) $dog_ate $traffic $sleeping))")
    assert t["excuse"] == block("""
        #[derive(Clone, Debug, PartialEq, Copy)]
        pub enum Excuse {
            DogAte,
            Traffic,
            Sleeping,
        }

        impl TryFrom<u8> for Excuse {
            type Error = wiggle::GuestError;
            #[inline]
            fn try_from(value: u8) -> Result<Excuse, wiggle::GuestError> {
                match value {
                    0 => Ok(Excuse::DogAte),
                    1 => Ok(Excuse::Traffic),
                    2 => Ok(Excuse::Sleeping),
                    _ => Err(wiggle::GuestError::InvalidEnumValue(stringify!(Excuse))),
                }
            }
        }

        impl TryFrom<i32> for Excuse {
            type Error = wiggle::GuestError;
            #[inline]
            fn try_from(value: i32) -> Result<Excuse, wiggle::GuestError> {
                Excuse::try_from(u8::try_from(value)?)
            }
        }

        impl From<Excuse> for u8 {
            #[inline]
            fn from(v: Excuse) -> u8 {
                match v {
                    Excuse::DogAte => 0,
                    Excuse::Traffic => 1,
                    Excuse::Sleeping => 2,
                }
            }
        }

        impl<'a> wiggle::GuestType<'a> for Excuse {
            #[inline]
            fn guest_size() -> u32 {
                1u32
            }
            #[inline]
            fn guest_align() -> usize {
                1usize
            }
            fn read(location: &wiggle::GuestPtr<'a, Self>) -> Result<Self, wiggle::GuestError> {
                // elided: reads the u8 tag; an unknown value is InvalidEnumValue
            }
            fn write(location: &wiggle::GuestPtr<'_, Self>, val: Self) -> Result<(), wiggle::GuestError> {
                // elided: writes the tag
            }
        }
        """)


def test_named_bool_2big_and_u64_tag() -> None:
    t = types_of("""(typename $bool bool)
(typename $errno (enum (@witx tag u16) $success $2big))
(typename $big (enum (@witx tag u64) $a))""")
    assert t["bool"].startswith("#[derive(Clone, Debug, PartialEq, Copy)]\npub enum Bool {\n    False,\n    True,\n}\n")
    assert "impl TryFrom<u32> for Bool {" in t["bool"] and "        4u32\n" in t["bool"]
    assert "            1 => Ok(Errno::TooBig),\n" in t["errno"]
    assert "impl TryFrom<i64> for Big {" in t["big"] and "Big::try_from(u64::try_from(value)?)" in t["big"]


def test_payload_variants_and_expected() -> None:
    t = types_of("""(typename $excuse (enum (@witx tag u8) $dog_ate $traffic $sleeping))
(typename $reason (variant (@witx tag $excuse) (case $dog_ate f32) (case $traffic s32) (case $sleeping)))
(typename $reason_mut
  (variant (@witx tag $excuse)
    (case $dog_ate (@witx pointer f32)) (case $traffic (@witx pointer s32)) (case $sleeping)))
""" + ERRNO + """(typename $size u32)
(typename $r (expected $size (error $errno)))""")
    assert t["reason"] == block("""
        #[derive(Clone, Debug, PartialEq)]
        pub enum Reason {
            DogAte(f32),
            Traffic(i32),
            Sleeping,
        }

        impl<'a> wiggle::GuestType<'a> for Reason {
            #[inline]
            fn guest_size() -> u32 {
                8u32
            }
            #[inline]
            fn guest_align() -> usize {
                4usize
            }
            fn read(location: &wiggle::GuestPtr<'a, Self>) -> Result<Self, wiggle::GuestError> {
                // elided: reads the u8 tag, then the payload at offset 4
            }
            fn write(location: &wiggle::GuestPtr<'_, Self>, val: Self) -> Result<(), wiggle::GuestError> {
                // elided: writes the tag and the payload
            }
        }
        """)
    assert t["reason_mut"].startswith(block("""
        #[derive(Clone, Debug)]
        pub enum ReasonMut<'a> {
            DogAte(wiggle::GuestPtr<'a, f32>),
            Traffic(wiggle::GuestPtr<'a, i32>),
            Sleeping,
        }

        impl<'a> wiggle::GuestType<'a> for ReasonMut<'a> {
        """))
    assert t["r"].startswith("#[derive(Clone, Debug, PartialEq)]\npub enum R {\n    Ok(Size),\n    Err(Errno),\n}\n")


def test_handle() -> None:
    assert types_of("(typename $fd (handle))")["fd"] == block("""
        #[repr(transparent)]
        #[derive(Copy, Clone, Debug, Hash, Eq, PartialEq)]
        pub struct Fd(u32);

        impl Fd {
            #[inline]
            pub unsafe fn inner(&self) -> u32 {
                self.0
            }
        }

        impl From<Fd> for u32 {
            #[inline]
            fn from(e: Fd) -> u32 {
                e.0
            }
        }

        impl From<Fd> for i32 {
            #[inline]
            fn from(e: Fd) -> i32 {
                e.0 as i32
            }
        }

        impl From<u32> for Fd {
            #[inline]
            fn from(e: u32) -> Fd {
                Fd(e)
            }
        }

        impl From<i32> for Fd {
            #[inline]
            fn from(e: i32) -> Fd {
                Fd(e as u32)
            }
        }

        impl ::std::fmt::Display for Fd {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({})", stringify!(Fd), self.0)
            }
        }

        impl<'a> wiggle::GuestType<'a> for Fd {
            #[inline]
            fn guest_size() -> u32 {
                4u32
            }
            #[inline]
            fn guest_align() -> usize {
                4usize
            }
            #[inline]
            fn read(location: &wiggle::GuestPtr<'a, Fd>) -> Result<Fd, wiggle::GuestError> {
                Ok(Fd(u32::read(&location.cast())?))
            }
            #[inline]
            fn write(location: &wiggle::GuestPtr<'_, Self>, val: Self) -> Result<(), wiggle::GuestError> {
                u32::write(&location.cast(), val.0)
            }
        }
        """)


def test_trappable_error_type() -> None:
    src = "(typename $errno (enum (@witx tag u8) $ok $invalid_arg $picket_line))"
    errno = types_of(src, "{ errors: { errno => trappable ErrnoT } }")["errno"]
    assert block("""
        impl std::fmt::Display for Errno {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:?}", self)
            }
        }

        impl std::error::Error for Errno {}

        impl<'a> wiggle::GuestType<'a> for Errno {
        """) in errno
    assert errno.endswith(block("""
        #[derive(Debug)]
        pub struct ErrnoT {
            inner: wiggle::anyhow::Error,
        }

        impl std::fmt::Display for ErrnoT {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.inner)
            }
        }

        impl std::error::Error for ErrnoT {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.inner.source()
            }
        }

        impl ErrnoT {
            pub fn trap(inner: wiggle::anyhow::Error) -> ErrnoT {
                Self { inner }
            }
            pub fn downcast(self) -> Result<Errno, wiggle::anyhow::Error> {
                self.inner.downcast()
            }
            pub fn downcast_ref(&self) -> Option<&Errno> {
                self.inner.downcast_ref()
            }
            pub fn context(self, s: impl Into<String>) -> Self {
                Self {
                    inner: self.inner.context(s.into()),
                }
            }
        }

        impl From<Errno> for ErrnoT {
            fn from(abi: Errno) -> ErrnoT {
                ErrnoT {
                    inner: wiggle::anyhow::Error::from(abi),
                }
            }
        }
        """))
    # A user error mapping adds nothing to the type; no mapping, no Display either.
    assert "Display" not in types_of(src, "{ errors: { errno => RichError } }")["errno"]


def test_constants_and_user_error_conversion_in_the_types_module() -> None:
    p = preview("""(typename $errno (enum (@witx tag u8) $ok $invalid_arg $picket_line))
(typename $errno2 (enum (@witx tag u8) $ok $too_much_coffee))
(typename $cookie u64)
(@witx const $cookie $start 0)
(@witx const $cookie $max 18446744073709551615)
(typename $bool bool)""", "{ errors: { errno => RichError, errno2 => AnotherRichError } }")
    assert block("""
            pub const COOKIE_START: Cookie = 0;
            pub const COOKIE_MAX: Cookie = 18446744073709551615;

            pub trait UserErrorConversion {
                fn errno_from_rich_error(&mut self, e: super::RichError) -> wiggle::anyhow::Result<Errno>;
                fn errno2_from_another_rich_error(
                    &mut self,
                    e: super::AnotherRichError,
                ) -> wiggle::anyhow::Result<Errno2>;
            }
        }
        """) in p.rust
    assert p.rust.startswith("pub mod types {\n    use std::convert::TryFrom;\n\n    #[derive(")
    assert "    pub trait UserErrorConversion {}\n" in preview("(typename $a u8)").rust


def test_lifetime_free_profile() -> None:
    src = """(typename $size u32)
(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
(typename $iovec_array (list $iovec))
(typename $fd (handle))
(typename $f (flags $a))"""
    t = types_of(src, profile=22)
    assert t["iovec_array"] == "pub type IovecArray = wiggle::GuestPtr<[Iovec]>;\n"
    assert t["iovec"].startswith(block("""
        #[derive(Clone, Debug)]
        pub struct Iovec {
            pub buf: wiggle::GuestPtr<u8>,
            pub buf_len: Size,
        }

        impl<'a> Iovec {
        """))
    assert block("""
        impl wiggle::GuestType for Iovec {
            #[inline]
            fn guest_size() -> u32 {
                8u32
            }
            #[inline]
            fn guest_align() -> usize {
                4usize
            }
            fn read(
                mem: &wiggle::GuestMemory,
                location: wiggle::GuestPtr<Self>,
            ) -> Result<Self, wiggle::GuestError> {
        """) in t["iovec"]
    assert "        Ok(Fd(u32::read(mem, location.cast())?))\n" in t["fd"]
    assert "        let reprval = u32::read(mem, location.cast())?;\n" in t["f"]


def test_older_profiles() -> None:
    src = "(typename $p (record (field $a u8)))\n(typename $f (flags $a))"
    assert "offset_of_a" in types_of(src, profile=13)["p"]
    assert "offset_of_a" not in types_of(src, profile=12)["p"]
    assert "#[derive(Copy, Clone, Debug, PartialEq, Eq)]" in types_of(src, profile=12)["f"]
    old = types_of(src, profile=11)["f"]
    assert "#[derive(" not in old and "        e.bits\n" in old


def test_generator_panics_become_comments() -> None:
    p = preview("(typename $pair (tuple u32 u64))\n(typename $u (union u8 u64))\n(typename $ok u8)")
    panic = "Ident cannot be a number; use Literal instead"
    assert p.types["pair"] == f"// wiggle-generate panics defining `$pair`: {panic}\n"
    assert p.types["u"] == f"// wiggle-generate panics defining `$u`: {panic}\n"
    assert p.types["ok"] == "pub type Ok = u8;\n"
    assert f"    // wiggle-generate panics defining `$pair`: {panic}\n" in p.rust
    assert p.panics[:2] == [f"wiggle-generate panics defining `$pair`: {panic}",
                            f"wiggle-generate panics defining `$u`: {panic}"]
