"""The code cache: compiled code equal to the builtin's, a file that survives anything,
and a server that writes it and starts from it."""

from __future__ import annotations
import __future__

import dataclasses
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import typing
from pathlib import Path
from types import CodeType
from typing import Any

import attr._make
import pytest

from witx_lsp.server import codecache
from witx_lsp.server.codecache import CodeCache, future_flags_of

ROOT = Path(__file__).resolve().parents[2]
ANNOTATIONS = __future__.annotations.compiler_flag
SOURCE = "def f(x: Undefined) -> int:\n    return x + 1\n"


def test_cached_code_equals_the_builtins_and_survives_a_round_trip(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path / "c.bin", min_new_entries=1)
    for flags in (0, ANNOTATIONS):
        first = cache.compile(SOURCE, "<gen f>", "exec", flags)
        assert first == compile(SOURCE, "<gen f>", "exec", flags, True)
        assert cache.compile(SOURCE, "<gen f>", "exec", flags) is first
    assert (cache.hits, cache.misses) == (2, 2)
    # Flags, filename and mode are part of the key.
    assert cache.compile(SOURCE, "<gen g>", "exec").co_filename == "<gen g>"
    assert cache.save() and not cache.save()  # nothing new the second time
    again = CodeCache(tmp_path / "c.bin")
    again.load()
    code = again.compile(SOURCE, "<gen f>", "exec", ANNOTATIONS)
    assert (again.hits, again.misses) == (1, 0)
    assert code == compile(SOURCE, "<gen f>", "exec", ANNOTATIONS, True)
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    assert namespace["f"].__annotations__ == {"x": "Undefined", "return": "int"}


def test_few_new_entries_do_not_rewrite_the_file(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path / "c.bin", min_new_entries=2)
    cache.compile(SOURCE, "<f>", "exec")
    assert not cache.save() and not (tmp_path / "c.bin").exists()
    cache.compile(SOURCE, "<g>", "exec")
    assert cache.save() and not cache.save()


def test_non_text_sources_are_compiled_but_not_cached(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path / "c.bin", min_new_entries=1)
    assert isinstance(cache.compile(SOURCE.encode(), "<b>", "exec"), CodeType)
    assert cache.entries == {} and not cache.save()


def test_future_flags_are_those_the_module_imports() -> None:
    for module in (attr._make, dataclasses, codecache, typing):
        has = "from __future__ import annotations" in inspect.getsource(module)
        assert bool(future_flags_of(module) & ANNOTATIONS) == has


@pytest.mark.parametrize("content", [b"", b"garbage", b"witx-lsp code cache 1\n", None])
def test_a_bad_file_leaves_the_cache_empty(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "c.bin"
    if content is None:  # the header of another interpreter's bytecode, then a valid dict
        import marshal
        path.write_bytes(b"witx-lsp code cache 1\n\x00\x00\x0d\x0a" + marshal.dumps({b"k": compile("1", "", "eval")}))
    else:
        path.write_bytes(content)
    cache = CodeCache(path)
    cache.load()
    assert cache.entries == {}


def test_truncated_and_non_regular_files_are_ignored(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path / "c.bin", min_new_entries=1)
    cache.compile(SOURCE, "<f>", "exec")
    assert cache.save()
    data = (tmp_path / "c.bin").read_bytes()
    (tmp_path / "c.bin").write_bytes(data[: len(data) - 7])
    for path in (tmp_path / "c.bin", tmp_path):  # truncated; a directory
        broken = CodeCache(path)
        broken.load()
        assert broken.entries == {}
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    never_read = CodeCache(fifo)
    never_read.load()  # must not block on the pipe
    assert never_read.entries == {}


def test_an_unwritable_place_is_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    cache = CodeCache(tmp_path / "file" / "sub" / "c.bin", min_new_entries=1)  # parent is a file
    cache.compile(SOURCE, "<f>", "exec")
    assert cache.save() is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # no temporary left behind


def test_default_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for off in ("off", "0", "", "no"):
        monkeypatch.setenv(codecache.ENV, off)
        assert codecache.default_path() is None
    monkeypatch.setenv(codecache.ENV, str(tmp_path / "x.bin"))
    assert codecache.default_path() == tmp_path / "x.bin"
    monkeypatch.delenv(codecache.ENV)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        path = codecache.default_path()
        assert path is not None and path.parent == tmp_path / "witx-lsp"
        assert sys.implementation.cache_tag in path.name
        monkeypatch.delenv("XDG_CACHE_HOME")

        def no_home() -> Path:
            raise RuntimeError("Could not determine home directory.")

        monkeypatch.setattr(Path, "home", staticmethod(no_home))
        assert codecache.default_path() is None


# What attrs, cattrs and dataclasses generate, in a fresh interpreter, as comparable text.
PROBE = textwrap.dedent("""
    import json, sys
    from witx_lsp.server import codecache
    cache = codecache.install()
    from lsprotocol import types
    from lsprotocol.converters import get_converter
    from witx_lsp.model import types as model

    def shape(code):
        consts = tuple(shape(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts)
        return [code.co_code.hex(), consts, code.co_names, code.co_varnames, code.co_flags,
                code.co_filename, code.co_firstlineno, code.co_linetable.hex()]

    converter = get_converter()
    hooks = [converter.get_structure_hook(types.InitializeParams),
             converter.get_unstructure_hook(types.PublishDiagnosticsParams)]
    functions = [types.Position.__init__, types.Range.__eq__, types.Diagnostic.__repr__,
                 model.RecordType.__init__, model.RecordType.__eq__, *hooks]
    codes = [shape(f.__code__) for f in functions]
    import typing  # a forward reference typing compiles (lsprotocol's annotations have ~300)
    codes.append(shape(typing.ForwardRef("Optional[Position]").__forward_code__))
    stats = None if cache is None else [cache.hits, cache.misses]
    if cache is not None:
        cache.save()
    print(json.dumps({"codes": codes, "stats": stats}))
""")


def probe(env: dict[str, str]) -> dict[str, Any]:
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    assert r.returncode == 0, r.stderr
    result: dict[str, Any] = json.loads(r.stdout)
    return result


def test_generated_code_is_the_same_with_and_without_the_cache(tmp_path: Path) -> None:
    cache_file = str(tmp_path / "c.bin")
    plain = probe({codecache.ENV: "off"})
    cold = probe({codecache.ENV: cache_file})
    warm = probe({codecache.ENV: cache_file})
    assert plain["stats"] is None
    assert plain["codes"] == cold["codes"] == warm["codes"]
    assert cold["stats"][1] > 500  # lsprotocol's classes were compiled...
    # ...and then came from the cache (attrs' frozen classes hash a per-process random constant).
    assert warm["stats"][1] < codecache.MIN_NEW_ENTRIES, (cold["stats"], warm["stats"])
    assert warm["stats"][0] >= cold["stats"][1] - warm["stats"][1]


def test_the_server_saves_the_cache_after_its_first_diagnostics_and_starts_from_it(tmp_path: Path) -> None:
    cache_file = tmp_path / "cache" / "code.bin"
    (tmp_path / "a.witx").write_text("(typename $a u32)\n(typename $a u8)\n", encoding="utf-8")
    first = run_server(tmp_path, cache_file)
    assert cache_file.is_file()
    second = run_server(tmp_path, cache_file)
    assert first["diagnostics"] == second["diagnostics"] and first["diagnostics"][0]["code"] == "E0302"
    assert first["misses"] > 500 and second["misses"] < codecache.MIN_NEW_ENTRIES, second
    # The methods attrs generates for lsprotocol's classes are the bulk of what the cache is
    # for: a serve path that imports lsprotocol before installing the cache stores none of them.
    cache = codecache.CodeCache(cache_file)
    cache.load()
    served = {code.co_filename.rsplit(" ", 1)[-1] for code in cache.entries.values()
              if code.co_filename.startswith("<attrs generated") and " lsprotocol.types." in code.co_filename}
    assert len(served) >= lsprotocol_attrs_classes(), len(served)


def lsprotocol_attrs_classes() -> int:
    r = subprocess.run([sys.executable, "-c", "import attrs, inspect; from lsprotocol import types; "
                        "print(sum(1 for _, c in inspect.getmembers(types, inspect.isclass) if attrs.has(c)))"],
                       capture_output=True, text=True, timeout=120, check=True)
    return int(r.stdout)


def run_server(workspace: Path, cache_file: Path) -> dict[str, Any]:
    """Start the server as editors do, open a file, wait for its diagnostics and for the
    idle-time save, shut down; the diagnostics and the cache statistics it logged."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), codecache.ENV: str(cache_file)}
    p = subprocess.Popen([sys.executable, "-m", "witx_lsp", "serve", "--stdio", "--log-level", "INFO"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert p.stdin is not None and p.stdout is not None

    def send(message: dict[str, Any]) -> None:
        assert p.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        p.stdin.flush()

    def receive() -> dict[str, Any]:
        assert p.stdout is not None
        length = 0
        while (line := p.stdout.readline().strip()) != b"":
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        message: dict[str, Any] = json.loads(p.stdout.read(length))
        return message

    try:
        uri = (workspace / "a.witx").as_uri()
        send({"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": workspace.as_uri(),
                                                            "capabilities": {}}})
        while receive().get("id") != 1:
            pass
        send({"method": "initialized", "params": {}})
        send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "witx", "version": 1, "text": (workspace / "a.witx").read_text()}}})
        while (m := receive()).get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
            pass
        diagnostics = m["params"]["diagnostics"]
        deadline = time.monotonic() + 20
        while not cache_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.05)
        send({"id": 2, "method": "shutdown"})
        while receive().get("id") != 2:
            pass
        send({"method": "exit"})
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    stats = [line for line in err.decode().splitlines() if "code cache" in line]
    assert stats, err.decode()
    counts = re.search(r"(\d+) hits, (\d+) misses", stats[0])
    assert counts is not None, stats
    return {"diagnostics": [{"code": d["code"], "range": d["range"]} for d in diagnostics],
            "hits": int(counts[1]), "misses": int(counts[2])}


START = textwrap.dedent("""
    import gc, json
    from witx_lsp.server.main import install_code_cache, prepare
    cache = install_code_cache()  # as `serve` starts
    during = gc.isenabled()
    server = prepare("WARNING", cache)
    print(json.dumps({"during": during, "after": gc.isenabled(), "frozen": gc.get_freeze_count(),
                      "full_collections": gc.get_stats()[2]["collections"], "threshold": gc.get_threshold()[0],
                      "idle": [getattr(t, "__name__", "") for t in server.idle_tasks]}))
""")


def test_the_start_imports_without_the_collector_and_freezes_them(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-c", START], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT), codecache.ENV: str(tmp_path / "c.bin")})
    assert r.returncode == 0, r.stderr
    state = json.loads(r.stdout)
    # Off while lsprotocol, pygls and the model are imported: no full collection walked them...
    assert state["during"] is False and state["full_collections"] == 0, state
    # ...and on again once they are in the frozen heap, whose garbage an idle task collects.
    assert state["after"] is True and state["frozen"] > 10_000 and state["threshold"] == 50_000, state
    assert "collect_cycles" in state["idle"], state
