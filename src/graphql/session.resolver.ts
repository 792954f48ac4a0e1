import { Arg, Ctx, ID, Int, Resolver } from 'type-graphql';
import { MutationField } from './mutation-field';
import { type AccountService } from '../accounts/account-service';
import { type SessionDirectory } from '../accounts/session-directory';
import { type RequestContext, requireLocalIdentity } from '../request-context';
import { AuthPayload } from './auth-payload.type';

@Resolver()
export class SessionResolver {
  constructor(
    private readonly accounts: AccountService,
    private readonly directory: SessionDirectory,
  ) {}

  @MutationField(() => Boolean, {
    description:
      "Ends one session (see `me { sessions }`): its refresh token at once, its access tokens and sockets on every instance within a second. Your own, or anyone's with users:write. False when it had already ended.",
  })
  async revokeSession(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<boolean> {
    return this.directory.revoke(id, requireLocalIdentity(context).subject, context.client);
  }

  @MutationField(() => Int, {
    description:
      'Ends every session of yours but the one of this token (all of them when the token names none); returns how many.',
  })
  async revokeOtherSessions(@Ctx() context: RequestContext): Promise<number> {
    const identity = requireLocalIdentity(context);
    return this.directory.revokeOthers(identity.subject, identity.sessionId, context.client);
  }

  @MutationField(() => AuthPayload, { description: 'Signs in with a username and password.' })
  async login(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    return AuthPayload.fromSession(await this.accounts.login(username, password, context.client));
  }

  @MutationField(() => AuthPayload, {
    description:
      'Exchanges a refresh token for a new access token and a new refresh token. The old one stops working; presenting it again ends the session (REFRESH_TOKEN_REUSED).',
  })
  async refreshToken(
    @Arg('refreshToken', () => String) refreshToken: string,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    return AuthPayload.fromSession(await this.accounts.refresh(refreshToken, context.client));
  }

  @MutationField(() => Boolean, {
    description:
      "Ends the session of this refresh token, and its access tokens on every instance within a second (they answer TOKEN_REVOKED). Another user's refresh token is left alone, with the same answer.",
  })
  async logout(
    @Arg('refreshToken', () => String) refreshToken: string,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    await this.accounts.logout(refreshToken, requireLocalIdentity(context).subject, context.client);
    return true;
  }

  @MutationField(() => Int, {
    description:
      'Ends every session of the caller and revokes every access token issued to it so far; returns how many sessions were live.',
  })
  async revokeAllSessions(@Ctx() context: RequestContext): Promise<number> {
    return this.accounts.revokeAllSessions(requireLocalIdentity(context).subject, context.client);
  }

  @MutationField(() => AuthPayload, {
    description:
      'Changes the password, ends every other session, revokes every access token issued so far and returns a fresh session for the caller.',
  })
  async changePassword(
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    const { subject } = requireLocalIdentity(context);
    const session = await this.accounts.changePassword(subject, currentPassword, newPassword, context.client);
    return AuthPayload.fromSession(session);
  }
}
