import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesOf, encodeResultText, escapeHtml, hexDump, layoutHtml, makeNonce, svgDataUri } from "../../src/layoutHtml";

const svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><script>alert(1)</script></svg>";

describe("layoutHtml", () => {
  const page = layoutHtml({ typeName: "a<b>", source: "x&y.witx", svg, text: "size 4 <align>", cspSource: "vscode-resource:", nonce: "N0NCE", canEncode: false });
  it("has a strict content security policy with the nonce", () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page)?.[1];
    assert.ok(csp);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N0NCE'/);
    assert.match(csp, /img-src vscode-resource: data:/);
    assert.doesNotMatch(csp, /unsafe/);
    for (const tag of page.match(/<(script|style)\b[^>]*>/g) ?? []) assert.match(tag, /nonce="N0NCE"/);
  });
  it("shows the SVG as an image, never inline", () => {
    assert.ok(page.includes(`src="${svgDataUri(svg)}"`));
    assert.equal(page.includes("<svg"), false);
    assert.equal(page.includes("alert(1)"), false);
  });
  it("escapes names and text", () => {
    assert.ok(page.includes("$a&lt;b&gt;"));
    assert.ok(page.includes("x&amp;y.witx"));
    assert.ok(page.includes("size 4 &lt;align&gt;"));
    assert.equal(page.includes("<b>"), false);
  });
  it("explains when values cannot be encoded, and offers a form when they can", () => {
    assert.match(page, /id="no-runtime"/);
    const withRuntime = layoutHtml({ typeName: "t", source: "s", svg, cspSource: "", nonce: "n", canEncode: true });
    assert.match(withRuntime, /<textarea id="value"/);
    assert.doesNotMatch(withRuntime, /no-runtime/);
  });
  it("keeps the last value and its bytes", () => {
    const p = layoutHtml({ typeName: "t", source: "s", svg, cspSource: "", nonce: "n", canEncode: true, value: '{"a": "<1>"}', bytesText: "4 bytes\n0000  01" });
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
