import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { type SessionRecord } from '../accounts/session-repository';

@ObjectType('Session', {
  simpleResolvers: true,
  description:
    'A place an account is signed in: one login, kept alive by its refresh tokens. Its access tokens carry its id as `sid`.',
})
export class DeviceSession {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean, { description: 'This is the session of the token that asks.' })
  current!: boolean;

  @Field(() => DateTimeISOResolver, { description: 'When it began: the login.' })
  createdAt!: Date;

  @Field(() => DateTimeISOResolver, {
    description: 'Its last login or refresh (access tokens are not counted).',
  })
  lastUsedAt!: Date;

  @Field(() => DateTimeISOResolver, { description: 'When it ends unless refreshed before.' })
  expiresAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'The client address of its last login or refresh, as TRUST_PROXY resolves it.',
  })
  ipAddress!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The user agent of its last login or refresh, control characters removed, at most 256 characters.',
  })
  userAgent!: string | null;

  @Field(() => String, { description: 'A name for the device: "Firefox on Linux", "NotesApp on iOS".' })
  deviceLabel!: string;

  /** @param currentId the `sid` of the token that asks */
  static fromRecord(record: SessionRecord, currentId: string | undefined): DeviceSession {
    return Object.assign(new DeviceSession(), {
      id: record.id,
      current: record.id === currentId,
      createdAt: new Date(record.createdAt),
      lastUsedAt: new Date(record.lastUsedAt),
      expiresAt: new Date(record.expiresAt),
      ipAddress: record.ipAddress,
      userAgent: record.userAgent,
      deviceLabel: record.deviceLabel,
    });
  }
}
