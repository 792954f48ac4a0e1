import { DateTimeISOResolver, JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { type AuditEvent as AuditRecord } from '../audit/audit-trail';
import { PageInfo } from './user-page.type';

@ObjectType({
  simpleResolvers: true,
  description: 'One entry of the security audit trail. Never holds a password or a token.',
})
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeISOResolver)
  at!: Date;

  @Field(() => String, {
    description:
      'What happened: `login.failed`, `user.disabled`, … (docs/accounts-and-sessions.md, Audit trail).',
  })
  type!: string;

  @Field(() => ID, { nullable: true, description: 'Who did it, when not the user it concerns (an admin).' })
  actorId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The account it concerns.' })
  userId!: string | null;

  @Field(() => String, { nullable: true })
  username!: string | null;

  @Field(() => String, { nullable: true, description: 'The client address, as TRUST_PROXY resolves it.' })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => JSONObjectResolver, {
    description: 'What changed (before and after), scopes, ids, lifetimes.',
  })
  details!: Record<string, unknown>;

  static fromRecord(event: AuditRecord): AuditEvent {
    return Object.assign(new AuditEvent(), {
      id: event.id,
      at: new Date(event.at),
      type: event.type,
      actorId: event.actorId ?? null,
      userId: event.userId ?? null,
      username: event.username ?? null,
      ip: event.ip ?? null,
      userAgent: event.userAgent ?? null,
      details: event.details,
    });
  }
}

@ObjectType({ simpleResolvers: true, description: 'One page of audit events, newest first.' })
export class AuditEventPage {
  @Field(() => [AuditEvent])
  nodes!: AuditEvent[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: 'Narrows the audit trail; every field given must match.' })
export class AuditEventFilter {
  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'An event type, such as `login.failed`.' })
  type?: string | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Only events at or after this time.' })
  since?: Date | null;
}
