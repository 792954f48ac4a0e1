import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { type AuditEvent } from '../audit/audit-trail';

/** The audit events a signed-in user is told of, live. */
export const VIEWER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'session.ended',
  'session.revoked',
  'sessions.revoked',
  'password.changed',
  'user.scopes_set',
]);

@ObjectType({
  simpleResolvers: true,
  description:
    'Something that happened to your account elsewhere. On `user.scopes_set`, refresh to get a token with your new scopes; a socket whose own token was revoked is closed (4401) instead.',
})
export class ViewerEvent {
  @Field(() => String, {
    description:
      '`session.ended` (a logout), `session.revoked` (one session ended from elsewhere), `sessions.revoked`, `password.changed` or `user.scopes_set`.',
  })
  type!: string;

  @Field(() => DateTimeISOResolver)
  at!: Date;

  @Field(() => ID, { nullable: true, description: 'The session it concerns, when it concerns one.' })
  sessionId!: string | null;

  static fromAudit(event: AuditEvent): ViewerEvent {
    const sessionId = event.details.sessionId;
    return Object.assign(new ViewerEvent(), {
      type: event.type,
      at: new Date(event.at),
      sessionId: typeof sessionId === 'string' ? sessionId : null,
    });
  }
}
