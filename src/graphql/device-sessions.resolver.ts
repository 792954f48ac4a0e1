import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { type SessionDirectory } from '../accounts/session-directory';
import { type RequestContext } from '../request-context';
import { DeviceSession } from './device-session.type';
import { User } from './user.type';
import { Viewer } from './viewer.type';

/*
 * An account's sessions, on the two objects that name an account: the viewer (`me { sessions }`) and a user
 * (`user(id) { sessions }`). Who may read them is the permission map's (the account itself, or users:read);
 * only these fields read the database, so `me` without them still reads none.
 */

async function sessionsOf(
  directory: SessionDirectory,
  userId: string,
  context: RequestContext,
): Promise<DeviceSession[]> {
  const current = context.identity.authenticated ? context.identity.sessionId : undefined;
  return (await directory.list(userId)).map((record) => DeviceSession.fromRecord(record, current));
}

@Resolver(() => Viewer)
export class ViewerSessionsResolver {
  constructor(private readonly directory: SessionDirectory) {}

  // Nullable, as a field that may be refused should be: another issuer's token still gets the rest of `me`.
  @FieldResolver(() => [DeviceSession], {
    nullable: true,
    description: 'Where you are signed in, most recently used first; `current` marks this token’s session.',
  })
  sessions(@Root() viewer: Viewer, @Ctx() context: RequestContext): Promise<DeviceSession[]> {
    return sessionsOf(this.directory, viewer.id, context);
  }
}

@Resolver(() => User)
export class UserSessionsResolver {
  constructor(private readonly directory: SessionDirectory) {}

  @FieldResolver(() => [DeviceSession], {
    nullable: true,
    description: 'Where this user is signed in, most recently used first.',
  })
  sessions(@Root() user: User, @Ctx() context: RequestContext): Promise<DeviceSession[]> {
    return sessionsOf(this.directory, user.id, context);
  }
}
