import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diagramOf, labelPiece, layoutOf, neededWidth, pieces } from "../../src/layoutDiagram";
import { bytesOf, encodeResultText, escapeHtml, hexDump, layoutHtml, makeNonce } from "../../src/layoutHtml";

/** A record as the server's layout JSON describes it (witx-lsp layout --format json). */
const layout = { kind: "record", size: 8, align: 4, members: [{ name: "x<script>alert(1)</script>", offset: 0, size: 1, align: 1 },
  { name: "y", offset: 4, size: 4, align: 4 }], flags: [], tag_size: null, payload_offset: null, cases: [], payloads: [],
padding: [{ offset: 1, size: 3 }] };

describe("layoutHtml", () => {
  const page = layoutHtml({ typeName: "a<b>", source: "x&y.witx", layout, text: "size 4 <align>", cspSource: "vscode-resource:", nonce: "N0NCE", canEncode: false });
  it("has a strict content security policy with the nonce", () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page)?.[1];
    assert.ok(csp);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N0NCE'/);
    assert.doesNotMatch(csp, /unsafe/);
    for (const tag of page.match(/<(script|style)\b[^>]*>/g) ?? []) assert.match(tag, /nonce="N0NCE"/);
  });
  it("draws the diagram without style attributes (the policy allows only the nonce'd stylesheet) and escapes names", () => {
    assert.doesNotMatch(page, /\sstyle="/);
    assert.equal(page.includes("<script>alert(1)"), false);
    assert.ok(page.includes("x&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(page.includes("record · size 8, align 4 · 3 bytes of padding"));
  });
  it("escapes names and text", () => {
    assert.ok(page.includes("$a&lt;b&gt;"));
    assert.ok(page.includes("x&amp;y.witx"));
    assert.ok(page.includes("size 4 &lt;align&gt;"));
    assert.equal(page.includes("<b>"), false);
  });
  it("explains when values cannot be encoded, and offers a form when they can", () => {
    assert.match(page, /id="no-runtime"/);
    const withRuntime = layoutHtml({ typeName: "t", source: "s", layout, cspSource: "", nonce: "n", canEncode: true });
    assert.match(withRuntime, /<textarea id="value"/);
    assert.doesNotMatch(withRuntime, /no-runtime/);
  });
  it("keeps the last value and its bytes", () => {
    const p = layoutHtml({ typeName: "t", source: "s", layout, cspSource: "", nonce: "n", canEncode: true, value: '{"a": "<1>"}', bytesText: "4 bytes\n0000  01" });
    assert.ok(p.includes('<textarea id="value" rows="4" spellcheck="false">{&quot;a&quot;: &quot;&lt;1&gt;&quot;}</textarea>'));
    assert.ok(p.includes('<pre id="bytes" aria-live="polite">4 bytes\n0000  01</pre>'));
  });
  it("shows an error instead of the diagram", () => {
    const e = layoutHtml({ typeName: "t", source: "s", error: "no typename `t`", cspSource: "", nonce: "n", canEncode: false });
    assert.match(e, /<p class="error" id="error">no typename `t`<\/p>/);
    assert.doesNotMatch(e, /<img/);
  });
});

describe("helpers", () => {
  it("escapeHtml", () => assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"));
  it("makeNonce is 32 alphanumerics", () => assert.match(makeNonce(), /^[A-Za-z0-9]{32}$/));
  it("hexDump", () => {
    assert.equal(hexDump([0, 1, 255]), "0000  00 01 ff");
    assert.equal(hexDump(Array.from({ length: 17 }, (_, i) => i)).split("\n")[1], "0010  10");
  });
  it("encodeResultText shows the runtime's error, or the bytes and the legend", () => {
    assert.equal(encodeResultText({ error: "Invalid enum value Errno" }), "Invalid enum value Errno");
    assert.equal(encodeResultText({ type: "u16", size: 2, hex: "0100", text: "offset size\n0 2 \n" }), "2 bytes\n0000  01 00\n\noffset size\n0 2");
    assert.equal(encodeResultText({ hex: "ff" }), "1 byte\n0000  ff");
    assert.equal(encodeResultText({ other: 1 }), '{\n  "other": 1\n}');
  });
  it("bytesOf reads hex strings, arrays and objects", () => {
    assert.deepEqual(bytesOf("0a ff"), [10, 255]);
    assert.deepEqual(bytesOf([1, 2]), [1, 2]);
    assert.deepEqual(bytesOf({ bytes: "0102" }), [1, 2]);
    assert.deepEqual(bytesOf({ hex: [3] }), [3]);
    assert.equal(bytesOf("xyz"), undefined);
    assert.equal(bytesOf([256]), undefined);
    assert.equal(bytesOf({ other: 1 }), undefined);
  });
});

describe("the layout diagram", () => {
  it("cuts boxes at row ends and labels the widest piece", () => {
    const box = { offset: 6, size: 12, name: "n", detail: "", kind: "field" as const, title: "" };
    assert.deepEqual(pieces(box, 8), [{ row: 0, col: 6, bytes: 2 }, { row: 1, col: 0, bytes: 8 }, { row: 2, col: 0, bytes: 2 }]);
    assert.equal(labelPiece(box, 8), 1);
    assert.deepEqual(pieces(box, 16), [{ row: 0, col: 6, bytes: 10 }, { row: 1, col: 0, bytes: 2 }]);
  });
  it("needs a wider page for 16 bytes a row when a one-byte field has a long name", () => {
    const d = diagramOf({ kind: "record", size: 24, align: 8, members: [{ name: "dev", offset: 0, size: 8, align: 8 },
      { name: "filetype", offset: 8, size: 1, align: 1 }, { name: "nlink", offset: 16, size: 8, align: 8 }],
    padding: [{ offset: 9, size: 7 }] });
    // "filetype" in one cell: 8 characters.
    assert.ok(neededWidth(d, 16) > 1000 && neededWidth(d, 8) < neededWidth(d, 16) && neededWidth(d, 4) < neededWidth(d, 8),
      [16, 8, 4].map((n) => neededWidth(d, n)).join(" "));
    assert.equal(d.facts, "record · size 24, align 8 · 7 bytes of padding");
  });
  it("draws a variant's tag, padding, payloads and the bytes past its size", () => {
    const d = diagramOf({ kind: "variant", size: 16, align: 8, tag_size: 1, payload_offset: 8, cases: ["x", "y", "z"],
      payloads: [{ size: 8, align: 8 }, { size: 9, align: 1 }, null], members: [], padding: [] });
    assert.deepEqual(d.rulers.map((r) => r.caption), ["tag", "case x = 0", "case y = 1"]);
    assert.deepEqual(d.rulers[2].boxes.map((b) => [b.offset, b.size, b.kind]), [[8, 8, "payload"], [16, 1, "past"]]);
    assert.deepEqual(d.notes, ["cases without payload: z = 2"]);
  });
  it("picks the type from a witx.showLayout result", () => {
    assert.deepEqual(layoutOf({ types: { a: 1, b: 2 } }, "$b"), 2);
    assert.equal(layoutOf(null, "a"), undefined);
  });
});
