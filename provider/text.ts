/**
 * Untrusted text: catalog entries, resource inputs and API answers end up on a terminal, in a log
 * and in URLs. A control character there is never data: an escape sequence recolours or rewrites
 * the operator's terminal, a CR or LF forges a line of output (a fake "+ created" line), and a
 * bidirectional override makes a name read differently from what it is. So inputs refuse them
 * ({@link findControlCharacter}) and anything printed from outside goes through {@link escapeControl}.
 *
 * Shared by the catalog loader, the resources' input rules and the local engine's renderer, so all
 * three agree on what a control character is.
 */

/**
 * Every character refused in input and escaped in output: C0 controls (NUL–US: ESC, CR, LF, TAB),
 * DEL and the C1 controls (U+0080–U+009F, which some terminals also read as escapes), the line and
 * paragraph separators, and the bidirectional marks, embeddings, overrides and isolates.
 */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, "gu");

/** `U+001B`: how a message names a character a person cannot see. */
export function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * The first control character of `text` and its index, or `undefined` when there is none.
 * @example
 * findControlCharacter("acme\u001b[31m"); // { index: 4, name: "U+001B" }
 */
export function findControlCharacter(text: string): { index: number; name: string } | undefined {
  const m = CONTROL_CHARACTER.exec(text);
  return m ? { index: m.index, name: codePointName(m[0]) } : undefined;
}

/**
 * The reason an input refuses a control character: which one, where, and what to do.
 * @example
 * controlCharacterReason("a\nb"); // "contains the control character U+000A at position 2; ..."
 */
export function controlCharacterReason(text: string): string | undefined {
  const found = findControlCharacter(text);
  if (!found) return undefined;
  return (
    `contains the control character ${found.name} at position ${found.index + 1}; remove it ` +
    "(control characters, line breaks and bidirectional marks are refused: they would be printed raw on terminals and in logs)"
  );
}

/**
 * `text` with every control character written as a visible escape (`\x1b`, `\n`, `\u202e`), so it
 * prints on one line, in the terminal's own colours, in the order it is stored.
 * @example
 * escapeControl("a\u001b[2Jb"); // "a\\x1b[2Jb"
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (ch) => {
    const code = ch.codePointAt(0)!;
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
