import { Arg, Int, Query, Resolver } from 'type-graphql';
import { type AuditLog, DEFAULT_AUDIT_PAGE_SIZE, MAX_AUDIT_PAGE_SIZE } from '../audit/audit-log';
import { type AuditEventType } from '../audit/audit-trail';
import { AuditEvent, AuditEventFilter, AuditEventPage } from './audit-event.type';

@Resolver()
export class AuditResolver {
  constructor(private readonly log: AuditLog) {}

  @Query(() => AuditEventPage, {
    description: `The security audit trail, newest first, a page at a time (at most ${MAX_AUDIT_PAGE_SIZE}).`,
  })
  async auditEvents(
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_AUDIT_PAGE_SIZE }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | null,
  ): Promise<AuditEventPage> {
    const page = await this.log.page(
      {
        ...(filter?.userId != null && { userId: filter.userId }),
        ...(filter?.type != null && { type: filter.type as AuditEventType }),
        ...(filter?.since != null && { since: filter.since.getTime() }),
      },
      first,
      after ?? undefined,
    );
    return Object.assign(new AuditEventPage(), {
      nodes: page.events.map((event) => AuditEvent.fromRecord(event)),
      pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
    });
  }
}
