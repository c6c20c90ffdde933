"""Bounded memory and bounded output (issue 13, faults 3-6): the server's resident
memory after 300 full-text edits of a 110 KB document and its close, an editor buffer
over the 8 MiB limit, a burst of 1,000 edits, a million diagnostics and a syntax tree
nested 100,000 deep. Deadlines here only stop a hang; how fast is measured by
benchmarks/fuzz.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.robustness.wire import WireClient
from witx_lsp.features.diagnostics import MAX_PER_FILE

MAX_ANSWER_BYTES = 20_000_000


def big_document(size: int = 110_000) -> str:
    """Valid witx of about `size` characters without any diagnostic (no corpus file)."""
    line = ";;; Type {i}, documented at some length so that the file is mostly text.\n(typename $t{i} u32)\n"
    return "".join(line.format(i=i) for i in range(size // len(line) + 1))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[WireClient, Path]]:
    with WireClient() as client:
        client.initialize(tmp_path)
        yield client, tmp_path
        assert client.close() == 0
        assert client.tracebacks() == [], "".join(client.stderr_lines[-40:])


def pull(client: WireClient, uri: str, timeout: float = 60) -> list[dict[str, object]]:
    answer = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=timeout)
    items: list[dict[str, object]] = answer["result"]["items"]
    return items


def test_memory_after_300_full_edits_and_close(server: tuple[WireClient, Path]) -> None:
    client, root = server
    text = big_document()
    uri = (root / "big.witx").as_uri()
    client.open(uri, text)
    baseline = pull(client, uri)
    for version in range(2, 302):
        client.change(uri, version, [{"text": text + f";; edit {version}\n(typename $edit{version} $nope)\n"}])
        if version % 5 == 0:  # every fifth version analysed (each analysis takes ~0.2 s)
            items = pull(client, uri)
            assert len(items) == len(baseline) + 1 and items[-1]["message"] == "Unknown name `nope`", items[-1]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    client.request("workspace/symbol", {"query": "r1"})
    assert client.rss_mb() < 250, client.rss_mb()


def test_editor_buffer_over_the_limit(server: tuple[WireClient, Path]) -> None:
    client, root = server
    uri = (root / "huge.witx").as_uri()
    client.open(uri, "(typename $t u32)\n" * 1_200_000)  # 21.6 MB
    [item] = pull(client, uri)
    assert item["code"] == "E0404"
    small = (root / "small.witx").as_uri()
    client.open(small, "(typename $size u32)\n(typename $len $size)\n")
    assert "u32" in client.hover(small, 1, 17)["result"]["contents"]["value"]
    assert client.rss_mb() < 600, client.rss_mb()


def test_burst_of_edits_is_applied_and_analysed_once(server: tuple[WireClient, Path]) -> None:
    client, root = server
    text = big_document()
    uri = (root / "burst.witx").as_uri()
    client.open(uri, text)
    baseline = pull(client, uri)
    for version in range(2, 1002):
        at = {"line": 0, "character": 0}
        client.change(uri, version, [{"range": {"start": at, "end": at}, "text": " " if version % 2 else "\n"}])
    answer = client.hover(uri, 500, 1, timeout=30)
    assert "result" in answer
    # The text the server holds is the editor's: 500 newlines, 500 spaces, then the document.
    assert len(pull(client, uri)) == len(baseline)
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})["result"]
    # `$t0` is on the line after its doc comment, the line that starts with the 500 spaces.
    assert symbols[0]["location"]["range"]["start"] == {"line": 501, "character": 0}


def test_diagnostics_are_capped_per_file(server: tuple[WireClient, Path]) -> None:
    client, root = server
    uri = (root / "unknown.witx").as_uri()
    count = MAX_PER_FILE + 1500
    client.open(uri, "".join(f"(typename $t{i} $nope)\n" for i in range(count)))
    items = pull(client, uri, timeout=120)
    assert len(items) == MAX_PER_FILE + 1
    assert [i["code"] for i in items[:MAX_PER_FILE]] == ["E0301"] * MAX_PER_FILE
    assert items[-1]["code"] == "E0409" and items[-1]["severity"] == 1
    assert items[-1]["message"].startswith(f"{count - MAX_PER_FILE} more diagnostics")  # type: ignore[union-attr]
    # At `$nope` of the first line left out, `(typename $t1000 $nope)`.
    assert items[-1]["range"]["start"] == {"line": MAX_PER_FILE, "character": 17}  # type: ignore[index]
    # Pushed diagnostics go through the same `lsp_diagnostics` (a pull client gets none pushed).


def test_a_megabyte_of_closing_parentheses(server: tuple[WireClient, Path]) -> None:
    client, root = server
    uri = (root / "parens.witx").as_uri()
    client.open(uri, ")" * 1_048_576)
    items = pull(client, uri, timeout=120)
    assert [i["code"] for i in items] == ["E0006"] * 101
    assert items[-1]["message"] == f"{1_048_576 - 100} more unexpected `)`"
    small = (root / "small.witx").as_uri()
    client.open(small, "(typename $size u32)\n(typename $len $size)\n")
    assert "u32" in client.hover(small, 1, 17)["result"]["contents"]["value"]


@pytest.mark.parametrize("opening, closing", [("(", ""), ("(record (field $f ", "))")])
def test_syntax_tree_of_deep_nesting_is_bounded(server: tuple[WireClient, Path], opening: str, closing: str) -> None:
    client, root = server
    uri = (root / "deep.witx").as_uri()
    depth = 100_000 if opening == "(" else 20_000
    client.open(uri, "(typename $t " + opening * depth + "u8" + closing * depth + ")\n")
    answer = client.request("workspace/executeCommand", {"command": "witx.showSyntaxTree", "arguments": [uri]},
                            timeout=120)
    tree = answer["result"]
    assert isinstance(tree, str) and len(tree.encode()) < MAX_ANSWER_BYTES
    assert "truncated after" in tree or depth < 50_000
    assert f"[{depth}]" in tree or "truncated after" in tree
