/** Which witx type the cursor is on, from the text alone (for "Show memory layout"). */

const IDCHAR = /[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]/;

/** The `$name` under the cursor, without the `$`. */
export function identifierAt(text: string, offset: number): string | undefined {
  let start = offset;
  while (start > 0 && IDCHAR.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && IDCHAR.test(text[end])) end++;
  const word = text.slice(start, end);
  const dollar = word.indexOf("$");
  if (dollar === -1) return undefined;
  const name = word.slice(dollar + 1);
  return name === "" ? undefined : name;
}

/**
 * The typename whose declaration encloses `offset`: the nearest `(typename $name …)` form that is
 * still open at the cursor. Comments and strings are skipped; block comments nest.
 */
export function enclosingTypename(text: string, offset: number): string | undefined {
  const stack: (string | undefined)[] = [];
  let i = 0;
  const end = Math.min(offset, text.length);
  while (i < end) {
    const c = text[i];
    if (c === ";" && text[i + 1] === ";") {
      const nl = text.indexOf("\n", i);
      i = nl === -1 ? text.length : nl + 1;
    } else if (c === "(" && text[i + 1] === ";") {
      let depth = 0;
      while (i < text.length) {
        if (text.startsWith("(;", i)) { depth++; i += 2; }
        else if (text.startsWith(";)", i)) { depth--; i += 2; if (depth === 0) break; }
        else i++;
      }
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "(") {
      const m = /^\(\s*typename\s+\$([0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+)/.exec(text.slice(i, i + 300));
      stack.push(m ? m[1] : undefined);
      i++;
    } else if (c === ")") {
      stack.pop();
      i++;
    } else i++;
  }
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k] !== undefined) return stack[k];
  return undefined;
}

/** Candidates, best first: the identifier under the cursor, then the enclosing typename. */
export function typeCandidates(text: string, offset: number): string[] {
  const out: string[] = [];
  const id = identifierAt(text, offset);
  if (id !== undefined) out.push(id);
  const enclosing = enclosingTypename(text, offset);
  if (enclosing !== undefined && !out.includes(enclosing)) out.push(enclosing);
  return out;
}
