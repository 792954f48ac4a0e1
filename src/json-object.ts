/** What JSON.parse makes of `{…}`: an object with string keys, not null and not an array. */
export type JsonObject = Record<string, unknown>;

/** Whether a parsed JSON value (a manifest, a JWKS, a request body) is an object. */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
