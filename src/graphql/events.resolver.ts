import { Arg, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { type AuditEvent as AuditRecord } from '../audit/audit-trail';
import { type RequestContext } from '../request-context';
import { AuditEvent, AuditEventFilter } from './audit-event.type';
import { VIEWER_EVENT_TYPES, ViewerEvent } from './viewer-event.type';

/**
 * What a subscription operation runs against (the WebSocket server passes it as the root value): committed
 * audit events, filtered, as a bounded stream.
 */
export interface LiveRoot {
  events(accept: (event: AuditRecord) => boolean): AsyncIterable<AuditRecord>;
}

function live(source: unknown): LiveRoot {
  return source as LiveRoot;
}

@Resolver()
export class EventsResolver {
  @Subscription(() => ViewerEvent, {
    description:
      "Your account's events as they happen on any instance: a session ended elsewhere, all sessions revoked, the password changed, your scopes changed.",
    subscribe: ({ source, context }) => {
      const { identity } = context as RequestContext;
      const subject = identity.authenticated && identity.local ? identity.subject : undefined;
      return live(source).events((event) => event.userId === subject && VIEWER_EVENT_TYPES.has(event.type));
    },
  })
  viewerEvents(@Root() event: AuditRecord): ViewerEvent {
    return ViewerEvent.fromAudit(event);
  }

  @Subscription(() => AuditEvent, {
    description:
      'A live tail of the security audit trail, from every instance, narrowed by `filter` (its `since` is ignored).',
    subscribe: ({ source, args }) => {
      const filter = (args as { filter?: AuditEventFilter | null }).filter;
      return live(source).events(
        (event) =>
          (filter?.userId == null || event.userId === filter.userId) &&
          (filter?.type == null || event.type === filter.type),
      );
    },
  })
  auditEvents(
    @Root() event: AuditRecord,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) _filter: AuditEventFilter | null,
    @Ctx() _context: RequestContext,
  ): AuditEvent {
    return AuditEvent.fromRecord(event);
  }
}
