import ms from 'ms';
import { z } from 'zod';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads environment variables one key at a time, so that one bad key does not hide the others: every
 * problem is collected, and the caller reports them all at once.
 */
export class EnvReader {
  readonly problems: string[] = [];
  /** Problems that do not stop startup outside production; the caller logs them. */
  readonly warnings: string[] = [];

  constructor(private readonly env: Env) {}

  /** The value of `key` parsed by `schema`; `fallback` when it is unset, empty or invalid (a problem). */
  read<T>(key: string, schema: z.ZodType<T>, fallback: T): T {
    const raw = this.env[key];
    if (raw === undefined || raw === '') return fallback;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) this.problems.push(`${key}: ${issue.message}`);
    return fallback;
  }

  /** The raw value of `key`, trimmed; undefined when unset or blank. */
  text(key: string): string | undefined {
    return this.env[key]?.trim() || undefined;
  }

  /** The value of `key` exactly as set (a secret keeps its whitespace); undefined when unset or empty. */
  raw(key: string): string | undefined {
    return this.env[key] || undefined;
  }

  /** A variable that no longer does anything: a warning while it is still set, saying why. */
  retired(key: string, why: string): void {
    if (this.env[key] !== undefined && this.env[key] !== '')
      this.warnings.push(`${key} no longer applies: ${why}`);
  }

  problem(message: string): void {
    this.problems.push(message);
  }
}

/**
 * Parses a duration: whole seconds ("900") or an `ms` expression ("15m", "1h", "30s"). Also the token
 * CLI's --ttl, so both read durations the same way.
 */
export function parseDurationSeconds(value: string): number | undefined {
  const text = value.trim();
  if (text === '' || text.length > 100) return undefined;
  const millis = /^\d+$/.test(text) ? Number(text) * 1000 : ms(text as ms.StringValue);
  if (typeof millis !== 'number' || !Number.isFinite(millis) || millis < 0) return undefined;
  return Math.floor(millis / 1000);
}

/** A duration of at most `max` seconds, in seconds. */
export const duration = (max: number) =>
  z.string().transform((value, ctx) => {
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined || seconds > max) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "900", "15m" or "1h" (at most ${max}s)`,
      });
      return z.NEVER;
    }
    return seconds;
  });

export const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
export const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** `a, b ,c` as ['a', 'b', 'c']. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}
