import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { enclosingTypename, identifierAt, typeCandidates } from "../../src/typeAtCursor";

const at = (text: string) => { const i = text.indexOf("|"); return [text.slice(0, i) + text.slice(i + 1), i] as const; };

describe("identifierAt", () => {
  it("finds the $identifier around the cursor", () => {
    assert.equal(identifierAt(...at("(field $a $fd_re|ad)")), "fd_read");
    assert.equal(identifierAt(...at("(field $a |$errno)")), "errno");
    assert.equal(identifierAt(...at("(field $a $errno|)")), "errno");
    assert.equal(identifierAt(...at("(field $a u|32)")), undefined);
    assert.equal(identifierAt(...at("|")), undefined);
    assert.equal(identifierAt(...at("$|")), undefined);
  });
});

describe("enclosingTypename", () => {
  const text = `;; (typename $in_comment u8)
(typename $outer
  (record
    (field $a "(typename $in_string" u8)
    (; (typename $in_block (; nested ;) u8) ;)
    (field $b |u32)))
(typename $after u8)`;
  it("finds the open typename form, skipping comments and strings", () => {
    assert.equal(enclosingTypename(...at(text)), "outer");
  });
  it("finds nothing outside typenames", () => {
    assert.equal(enclosingTypename(...at("(typename $a u8)\n|(module $m)")), undefined);
    assert.equal(enclosingTypename(...at("(module $m (@interface func| (export \"f\")))")), undefined);
  });
  it("handles the cursor on the declared name", () => {
    assert.equal(enclosingTypename(...at("(typename $er|rno (enum $a))")), "errno");
  });
});

describe("typeCandidates", () => {
  it("puts the identifier first and the enclosing typename second", () => {
    assert.deepEqual(typeCandidates(...at("(typename $r (record (field $f $siz|e)))")), ["size", "r"]);
    assert.deepEqual(typeCandidates(...at("(typename $r (record (field $f u|8)))")), ["r"]);
    assert.deepEqual(typeCandidates(...at("(typename $|r u8)")), ["r"]);
  });
});
