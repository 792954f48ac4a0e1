/**
 * Every code point a terminal would act on or hide rather than print: C0 and C1 controls (Cc: ESC, and
 * U+009B, a CSI on its own), format characters such as bidi overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), zero-width joiners and the BOM (Cf), and the line and paragraph separators (Zl, Zp).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const escape = (character: string) =>
  [...Array(character.length).keys()]
    .map((index) => `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`)
    .join('');

/**
 * `value` as one line of JSON a terminal shows as it is: what JSON.stringify leaves raw of the characters
 * above (C1 controls, bidi and format characters, U+2028) is written as a `\uXXXX` escape, which is still
 * JSON and parses back to the same text. Data written by clients (a failed login's username, a user agent)
 * reaches an operator's terminal this way, never as instructions to it.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, escape);
}
