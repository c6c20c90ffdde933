"""The analysis host's own state: the `use` lists it indexes, cached paths, what an edit
replaced, and the frozen heap of a server."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

from witx_lsp.workspace.host import AnalysisHost


def _uri(path: Path) -> str:
    return path.as_uri()


def _to_path(uri: str) -> str:
    assert uri.startswith("file://")
    return uri[len("file://"):]


def test_the_use_list_is_the_one_the_load_follows(tmp_path: Path) -> None:
    (tmp_path / "a.witx").write_text("(typename $a u8)\n")
    (tmp_path / "b.witx").write_text("(typename $b u8)\n")
    main = tmp_path / "main.witx"
    host = AnalysisHost()
    host.add_files([str(p) for p in tmp_path.iterdir()])
    # An unknown annotation inside a `use` is whitespace to wast (model/lower.py), so the load
    # follows it; a `use` of a number follows nothing.
    for text in ['(use "a.witx")\n(use (@foo) "b.witx")\n', '(use 1)\n(use "b.witx")\n', '(use "a.witx"']:
        host.set_text(str(main), text)
        followed = host.analysis_for(str(main)).files[str(main)].uses
        assert host.uses[str(main)] == followed
        assert set(followed) <= {str(tmp_path / "a.witx"), str(tmp_path / "b.witx")} and followed


def test_uri_paths_are_kept_for_known_files_only(tmp_path: Path) -> None:
    real = tmp_path / "real.witx"
    real.write_text("(typename $r u8)\n")
    other = tmp_path / "other.witx"
    other.write_text("(typename $o u8)\n")
    link = tmp_path / "link.witx"
    link.symlink_to(real)
    host = AnalysisHost(_to_path)
    assert host.path_of_uri(_uri(link)) == str(real)
    os.replace(tmp_path / "link.witx", tmp_path / "old_link")  # not known: resolved every time
    (tmp_path / "link.witx").symlink_to(other)
    assert host.path_of_uri(_uri(link)) == str(other)
    host.add_files([str(link)])  # now known (as other.witx): kept
    assert host.path_of_uri(_uri(link)) == str(other)
    (tmp_path / "link.witx").unlink()
    (tmp_path / "link.witx").symlink_to(real)
    assert host.path_of_uri(_uri(link)) == str(other)
    host.file_changed_on_disk(str(real))  # a change on disk: everything is resolved again
    assert host.path_of_uri(_uri(link)) == str(real)


def test_what_an_edit_replaced_is_freed_by_release(tmp_path: Path) -> None:
    main = tmp_path / "main.witx"
    main.write_text("(typename $a u8)\n")
    host = AnalysisHost()
    host.add_files([str(main)])
    old = weakref.ref(host.analysis_for(str(main)))
    entry = host.cache.peek(str(main))
    assert entry is not None
    lowered = weakref.ref(entry[2])
    del entry
    host.set_text(str(main), "(typename $b u8)\n")
    gc.collect()
    assert old() is not None and lowered() is not None
    host.release()
    gc.collect()
    assert old() is None and lowered() is None


def test_a_server_host_puts_its_analyses_in_the_frozen_heap(tmp_path: Path) -> None:
    main = tmp_path / "main.witx"
    main.write_text("(typename $a (record (field $x u8)))\n")
    assert gc.get_freeze_count() == 0  # (pytest freezes nothing)
    try:
        host = AnalysisHost(frozen_heap=True)
        host.add_files([str(main)])  # its parse joins the frozen heap
        frozen = gc.get_freeze_count()
        assert frozen > 0
        analysis = host.analysis_for(str(main))
        assert gc.get_freeze_count() > frozen  # and so does the analysis
        assert analysis.document.typenames[0].name == "a"
        host.collect_cycles()
        assert gc.get_freeze_count() > 0  # frozen again after the collection
    finally:
        gc.unfreeze()


def test_the_readers_of_a_file_are_what_an_edit_of_it_affects(tmp_path: Path) -> None:
    (tmp_path / "types.witx").write_text("(typename $a u8)\n")
    (tmp_path / "one.witx").write_text('(use "types.witx")\n(typename $x $a)\n')
    (tmp_path / "two.witx").write_text('(use "types.witx")\n(typename $y $a)\n')
    (tmp_path / "solo.witx").write_text("(typename $s u8)\n")
    host = AnalysisHost()
    host.add_files([str(p) for p in tmp_path.iterdir()])
    types = str(tmp_path / "types.witx")
    assert host.readers_of(types) == {types}  # nothing analysed yet
    for name in ("one.witx", "two.witx", "solo.witx"):
        host.analysis_for(str(tmp_path / name))
    readers = host.readers_of(types)
    assert readers == {types, str(tmp_path / "one.witx"), str(tmp_path / "two.witx")}
    assert host.set_text(types, "(typename $a u16)\n") == readers
