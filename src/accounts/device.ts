import Bowser from 'bowser';

/*
 * What a session records of the device it was signed in from: its user agent, cleaned and bounded, and a
 * label a person recognises ("Firefox on Linux", "NotesApp on iOS"), parsed with bowser rather than
 * hand-written patterns.
 */

/** The longest user agent kept; real ones are well under it. */
export const MAX_USER_AGENT = 256;

/** Characters that change how text around them shows, or do not show: removed from a stored user agent. */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** A user agent as it is stored and compared: control and format characters removed, bounded; null if empty. */
export function storedUserAgent(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  const cleaned = userAgent.replace(INVISIBLE_OR_CONTROL, '').trim().slice(0, MAX_USER_AGENT);
  return cleaned.length > 0 ? cleaned : null;
}

/** The first product of a user agent ("okhttp/4.12.0" → "okhttp"), for clients bowser does not know. */
const PRODUCT = /^([A-Za-z][\w.-]{0,39})/;

/** "Firefox on Linux", "NotesApp on iOS", "okhttp", "Unknown device". */
export function deviceLabel(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const { browser, os } = Bowser.parse(userAgent);
  // bowser names an unknown client after its first product, version and all ("Apollo/1.0 CFNetwork").
  const client = browser.name && !browser.name.includes('/') ? browser.name : PRODUCT.exec(userAgent)?.[1];
  if (client && os.name) return `${client} on ${os.name}`;
  if (client) return client;
  return os.name ? `${os.name} device` : 'Unknown device';
}
