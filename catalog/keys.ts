/**
 * Catalog keys as a person reads them. Two keys that print alike are one object to a reviewer (and,
 * for emails, to Webex, which compares them without case), though they are two resources to Pulumi:
 * `omar@` and `Omar@`, `acme-001` and `аcme-001` (a Cyrillic "а"), `acme` and `ac\u00admе` (a soft
 * hyphen), `acme-001` and `acme-００1` (fullwidth digits). The loader refuses such pairs, and the
 * deletion guard refuses a deletion or an adoption between them.
 *
 * Pure, and imports nothing: the deletion guard's provider calls it, and Pulumi serializes that
 * provider, with what it references, into the guard's state.
 */

/**
 * Letters of other scripts that print like a Latin letter, mapped to it (after the Unicode
 * confusables list, reduced to Cyrillic and Greek, the look-alikes a keyboard or a copy-paste puts in
 * a key). Uppercase forms map to uppercase, so `foldKey` lowercases after mapping.
 */
const CONFUSABLES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    // Cyrillic
    "АA ВB ЕE ЅS ІI ЈJ КK МM НH ОO РP СC ТT ХX УY ҮY ԚQ ԜW ӀI аa еe оo рp сc уy хx ѕs іi јj һh ԁd ԛq ԝw ӏl үy",
    // Greek
    "ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX οo νv ρp αa ιi κk υu χx γy",
    // Latin letters that pass for others
    "ıi ȷj",
  ]
    .join(" ")
    .split(" ")
    .map((pair) => [pair[0]!, pair[1]!]),
);

/** Characters that print as nothing: soft hyphen, zero-width space and joiners, BOM, bidi marks... */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/** Control characters (C0, DEL, C1) and line separators: refused by the loader, escaped when shown. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** Whether a key has a Latin letter: a look-alike letter only deceives among Latin ones. */
const hasLatin = (key: string): boolean => /[A-Za-z]/.test(key);

/**
 * A key folded to what a reviewer sees: compatibility forms (NFKC: fullwidth digits, ligatures),
 * invisible characters dropped, look-alike letters read as the Latin ones, case, surrounding spaces.
 * Two keys with the same fold are one object to a person.
 * @example
 * foldKey("ACME-\u0030\uff10\u200b1") === foldKey("acme-001"); // true
 */
export function foldKey(key: string): string {
  return readsAs(key).toLowerCase().normalize("NFC").trim();
}

/** What `key` prints as: compatibility forms composed, invisible characters dropped, look-alikes read as Latin. */
function readsAs(key: string): string {
  const plain = key.normalize("NFKC").replace(INVISIBLE, "");
  return Array.from(plain, (ch) => CONFUSABLES[ch] ?? ch).join("");
}

/** Why one character of `key` deceives, or undefined when it prints as what it is. */
function oddness(ch: string, key: string): string | undefined {
  if (/\p{Default_Ignorable_Code_Point}/u.test(ch)) return "invisible";
  if (ch.normalize("NFKC") !== ch) return `a compatibility form of "${ch.normalize("NFKC")}"`;
  if (CONFUSABLES[ch] !== undefined && hasLatin(key)) {
    const script = /\p{Script=Cyrillic}/u.test(ch) ? "Cyrillic" : /\p{Script=Greek}/u.test(ch) ? "Greek" : "non-Latin";
    return `${script}, looks like "${CONFUSABLES[ch]}"`;
  }
  return undefined;
}

/** `\u0435`: a character as a person can type it back. */
const escaped = (ch: string): string => {
  const code = ch.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
};

/**
 * The characters of `key` that make it print like another key (invisible, compatibility forms such
 * as fullwidth digits, Cyrillic or Greek letters among Latin ones), each once, with why.
 * @example
 * oddCharacters("us\u0435rs"); // [{ char: "\u0435", code: "U+0435", why: 'Cyrillic, looks like "e"' }]
 */
export function oddCharacters(key: string): { char: string; code: string; why: string }[] {
  const seen = new Map<string, { char: string; code: string; why: string }>();
  for (const ch of key) {
    const why = seen.has(ch) ? undefined : oddness(ch, key);
    if (why) seen.set(ch, { char: ch, code: `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`, why });
  }
  return [...seen.values()];
}

/**
 * `key` as a message shows it: every deceiving or control character written as an escape
 * (`us\u0435rs`), so what the reader sees is what the file holds, and the terminal stays intact.
 * @example
 * showKey("us\u0435rs"); // "us\\u0435rs"
 */
export function showKey(key: string): string {
  return Array.from(key, (ch) => (CONTROL.test(ch) || oddness(ch, key) ? escaped(ch) : ch)).join("");
}

/**
 * The reason a key is refused for its look-alike characters, or undefined when it has none: the key
 * escaped, each character named, and what to do.
 * @example
 * lookalikeReason("us\u0435rs"); // 'contains characters that print like others: "us\\u0435rs" (U+0435: Cyrillic, ...'
 */
export function lookalikeReason(key: string): string | undefined {
  const odd = oddCharacters(key);
  if (odd.length === 0) return undefined;
  const list = odd.map((o) => `${o.code}: ${o.why}`).join("; ");
  return (
    `contains characters that print like others: "${showKey(key)}" (${list}); it reads as "${readsAs(key)}" but is not. ` +
    "Retype it with plain characters"
  );
}
