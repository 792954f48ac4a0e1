import { type Kysely } from 'kysely';
import { guarded } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { InputError } from '../errors';
import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditFilter, type AuditTrail } from './audit-trail';

export const DEFAULT_AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 200;
const MAX_CURSOR_LENGTH = 120;

export interface AuditEventPage {
  readonly events: readonly AuditEvent[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

const cursorOf = (event: { at: number; id: string }) =>
  Buffer.from(`${event.at}:${event.id}`, 'utf8').toString('base64url');

function positionOf(cursor: string): { at: number; id: string } {
  const text = cursor.length > MAX_CURSOR_LENGTH ? '' : Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):([0-9a-f-]{36})$/.exec(text);
  if (!match || cursorOf({ at: Number(match[1]), id: match[2]! }) !== cursor) {
    throw new InputError('after is not a cursor this API returned', 'after', 'cursor');
  }
  return { at: Number(match[1]), id: match[2]! };
}

/** Reading the audit trail a page at a time, newest first: the `auditEvents` query and the audit CLI. */
export class AuditLog {
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly trail: AuditTrail,
  ) {}

  async page(filter: AuditFilter, first = DEFAULT_AUDIT_PAGE_SIZE, after?: string): Promise<AuditEventPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE_SIZE) {
      throw new InputError(`first must be 1-${MAX_AUDIT_PAGE_SIZE}`, 'first', 'range');
    }
    if (filter.type !== undefined && !AUDIT_EVENT_TYPES.includes(filter.type)) {
      throw new InputError(`type must be one of ${AUDIT_EVENT_TYPES.join(', ')}`, 'type', 'unknown');
    }
    if (filter.userId !== undefined && filter.userId.length > 64) {
      throw new InputError('userId is no user id', 'userId', 'length');
    }
    const position = after === undefined ? undefined : positionOf(after);
    // One extra row tells whether there is a next page without a second query.
    const rows = await guarded(() => this.trail.list(this.db, filter, first + 1, position));
    const events = rows.slice(0, first);
    const last = events.at(-1);
    return { events, endCursor: last ? cursorOf(last) : null, hasNextPage: rows.length > first };
  }

  /** Every event since `since`, oldest first, for the operator's CLI. */
  async *since(since: number, filter: Omit<AuditFilter, 'since'> = {}): AsyncGenerator<AuditEvent> {
    let after: string | undefined;
    const pages: AuditEvent[][] = [];
    for (;;) {
      const page = await this.page({ ...filter, since }, MAX_AUDIT_PAGE_SIZE, after);
      pages.push([...page.events]);
      if (!page.hasNextPage) break;
      after = page.endCursor!;
    }
    for (const page of pages.reverse()) yield* [...page].reverse();
  }
}
