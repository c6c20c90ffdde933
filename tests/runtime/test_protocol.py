"""The generated Protocols: mypy (in a subprocess) accepts the generated
modules and a conforming implementation and rejects wrong ones; the runtime
builds records with the generated classes."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, PREVIEW1, ROOT, needs_corpus
from witx_lsp.model.analysis import analyze
from witx_lsp.wiggle.runtime import BytearrayMemory, GuestPtr, module_functions
from witx_lsp.wiggle.runtime.protocol import generate_protocol, trait_name

pytestmark = needs_corpus
TESTS = CORPUS / "wiggle" / "wiggle_tests"

GOOD = """
from __future__ import annotations

import witx_lsp.wiggle.runtime as rt
from rec_types import Errno, PairIntAndPtr, PairInts, PairIntPtrs, RecordOfList, Records, S64, U16
from var_types import Excuse, Reason, ReasonMut, VariantExample


class GoodRecords:
    def sum_of_pair(self, an_pair: PairInts) -> rt.Result[S64, Errno]:
        return rt.Ok(an_pair.first + an_pair.second)

    def sum_of_pair_of_ptrs(self, an_pair: PairIntPtrs) -> rt.Result[S64, Errno]:
        return rt.Ok(an_pair.first.read() + an_pair.second.read())

    def sum_of_int_and_ptr(self, an_pair: PairIntAndPtr) -> rt.Err[Errno]:
        return rt.Err("invalid_arg")

    def return_pair_ints(self) -> rt.Ok[PairInts]:
        return rt.Ok(PairInts(first=1, second=2))

    def return_pair_of_ptrs(self, first: rt.GuestPtr[int], second: rt.GuestPtr[int]) -> rt.Ok[PairIntPtrs]:
        return rt.Ok(PairIntPtrs(first, second))

    def sum_array(self, a_list: RecordOfList) -> rt.Result[U16, Errno]:
        return rt.Ok(sum(a_list.arr.to_vec())) if a_list.arr.len() else rt.Err("picket_line")


class GoodVariants:
    def get_tag(self, r: Reason) -> rt.Result[Excuse, Errno]:
        return rt.Ok(r[0])

    def reason_mult(self, r: ReasonMut, multiply_by: int) -> rt.Ok[None]:
        if r[0] == "traffic":
            r[1].write(r[1].read() * multiply_by)
        return rt.Ok(None)


records: Records = GoodRecords()
variants: VariantExample = GoodVariants()
"""

# Each line that mypy must reject is marked `# BAD`.
BAD = """
from __future__ import annotations

import witx_lsp.wiggle.runtime as rt
from rec_types import PairInts, Records
from var_types import Reason, VariantExample


class WrongParam:
    def sum_of_pair(self, an_pair: int) -> rt.Ok[int]:
        return rt.Ok(an_pair)

    def sum_of_pair_of_ptrs(self, an_pair: PairInts) -> rt.Ok[int]:
        return rt.Ok(0)

    def sum_of_int_and_ptr(self, an_pair: PairInts) -> rt.Ok[int]:
        return rt.Ok(0)

    def return_pair_ints(self) -> rt.Ok[PairInts]:
        return rt.Ok(PairInts(1, 2))

    def return_pair_of_ptrs(self, first: rt.GuestPtr[int], second: rt.GuestPtr[int]) -> rt.Ok[int]:
        return rt.Ok(0)

    def sum_array(self, a_list: PairInts) -> rt.Ok[int]:
        return rt.Ok(0)


class WrongErrno:
    def get_tag(self, r: Reason) -> rt.Err[str]:
        return rt.Err("not an errno")

    def reason_mult(self, r: object, multiply_by: int) -> rt.Ok[None]:
        return rt.Ok(None)


class Missing:
    def get_tag(self, r: Reason) -> rt.Ok[str]:
        return rt.Ok("traffic")


def take_records(r: Records) -> None: ...
def take_variants(v: VariantExample) -> None: ...


take_records(WrongParam())  # BAD
take_variants(WrongErrno())  # BAD
take_variants(Missing())  # BAD
bad_case = PairInts(first="one", second=2)  # BAD
"""


def _doc(name: str) -> Any:
    a = analyze([str(TESTS / f"{name}.witx")])
    assert not a.diagnostics
    return a.document


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("protocols")
    p1 = analyze([str(PREVIEW1)]).document
    (d / "p1_types.py").write_text(generate_protocol(p1, "wasi_snapshot_preview1"))
    (d / "p1_async.py").write_text(generate_protocol(p1, "wasi_snapshot_preview1", asynchronous={"fd_read"},
                                                     errors={"errno": "MyError"}).replace(
        "import typing as _t\n", "import typing as _t\n\n\nclass MyError(Exception):\n    pass\n", 1))
    (d / "rec_types.py").write_text(generate_protocol(_doc("records"), "records"))
    (d / "var_types.py").write_text(generate_protocol(_doc("variant"), "variant_example"))
    (d / "good.py").write_text(GOOD)
    (d / "bad.py").write_text(BAD)
    return d


def _mypy(d: Path, *files: str) -> list[str]:
    cmd = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--hide-error-context",
           "--cache-dir", str(d / ".mypy_cache"), *files]
    p = subprocess.run(cmd, cwd=d, capture_output=True, text=True, timeout=300,
                       env={"PYTHONPATH": str(ROOT), "MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return [line for line in p.stdout.splitlines() if ": error:" in line]


def test_mypy_checks_implementations_against_the_protocols(generated: Path) -> None:
    errors = _mypy(generated, "p1_types.py", "p1_async.py", "rec_types.py", "var_types.py", "good.py", "bad.py")
    outside_bad = [e for e in errors if not e.startswith("bad.py:")]
    assert outside_bad == []
    bad_lines = {i + 1 for i, line in enumerate((generated / "bad.py").read_text().splitlines()) if "# BAD" in line}
    flagged = {int(m.group(1)) for e in errors if (m := re.match(r"bad\.py:(\d+):", e))}
    assert flagged == bad_lines, errors
    assert any("sum_of_pair" in e or "Records" in e for e in errors)


def test_generated_source_shape() -> None:
    p1 = analyze([str(PREVIEW1)]).document
    src = generate_protocol(p1, "wasi_snapshot_preview1", asynchronous={"fd_read"})
    assert "class WasiSnapshotPreview1(_t.Protocol):" in src
    assert trait_name("wasi_snapshot_preview1") == "WasiSnapshotPreview1"
    assert "    def fd_write(self, fd: Fd, iovs: CiovecArray) -> _rt.Result[Size, Errno]:" in src
    assert "    async def fd_read(self, fd: Fd, iovs: IovecArray) -> _rt.Result[Size, Errno]:" in src
    assert "    def proc_exit(self, rval: Exitcode) -> BaseException:" in src
    assert "    def poll_oneoff(self, in_: _rt.GuestPtr[Subscription], out: _rt.GuestPtr[Event], " \
           "nsubscriptions: Size) -> _rt.Result[Size, Errno]:" in src
    assert "-> _rt.Result[tuple[Size, Roflags], Errno]:" in src  # sock_recv's tuple result
    assert "class Filestat:\n" in src and "    filetype: Filetype\n" in src
    assert "Fdflags: _t.TypeAlias = \"frozenset[_t.Literal['append', 'dsync', 'nonblock', 'rsync', 'sync']]\"" in src
    assert "_t.Literal['success', '2big'," in src
    compile(src, "p1_types.py", "exec")
    with pytest.raises(KeyError):
        generate_protocol(p1, "nope")


def test_records_are_built_with_the_generated_classes(generated: Path) -> None:
    spec = importlib.util.spec_from_file_location("rec_types_rt", generated / "rec_types.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["rec_types_rt"] = mod
    try:
        spec.loader.exec_module(mod)
        seen: list[Any] = []

        class Impl:
            def __getattr__(self, name: str) -> Any:
                def f(*args: Any) -> Any:
                    seen.append(args)
                    from witx_lsp.wiggle.runtime import Ok
                    return Ok(mod.PairInts(first=3, second=4)) if name == "return_pair_ints" else Ok(0)
                return f

        funcs = {f.name: f for f in module_functions(_doc("records"), "records", Impl(), classes=mod)}
        mem = BytearrayMemory(64)
        GuestPtr(mem, 8, _pair_type(mod)).write(mod.PairInts(1, 2))
        assert funcs["sum_of_pair"].call(mem, 8, 0) == 0
        assert isinstance(seen[-1][0], mod.PairInts) and seen[-1][0] == mod.PairInts(1, 2)
        assert funcs["return_pair_ints"].call(mem, 16) == 0
        assert bytes(mem.data[16:24]) == bytes.fromhex("0300000004000000")
    finally:
        sys.modules.pop("rec_types_rt", None)


def _pair_type(mod: Any) -> Any:
    from witx_lsp.wiggle.runtime import TypeSpace
    return TypeSpace(_doc("records"), classes=mod).named("pair_ints")


def test_generated_text_is_stable() -> None:
    """The same witx gives the same Protocol module in every process: nothing in it depends on
    string hashing (set or dict order of names), so generated files do not churn."""
    script = ("import sys; from witx_lsp.model.analysis import analyze; "
              "from witx_lsp.wiggle.runtime.protocol import generate_protocol; "
              "sys.stdout.write(generate_protocol(analyze([sys.argv[1]]).document, 'flags'))")
    outputs = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run([sys.executable, "-c", script, str(TESTS / "flags.witx")], capture_output=True,
                             text=True, check=True, env={"PYTHONHASHSEED": seed, "PATH": "", "PYTHONPATH": str(ROOT)})
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert textwrap.dedent(outputs.pop()).count("class Flags(_t.Protocol):") == 1
