import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { type Session } from '../accounts/session';
import { Viewer } from './viewer.type';

@ObjectType({
  simpleResolvers: true,
  description: 'A signed-in session: a short-lived access token and the refresh token that renews it.',
})
export class AuthPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken!: string;

  @Field(() => String, { description: 'Always "Bearer".' })
  tokenType!: string;

  @Field(() => DateTimeISOResolver, { description: 'When the access token expires.' })
  expiresAt!: Date;

  @Field(() => String, {
    description: 'Opaque; exchange it with refreshToken before it expires. Each one works once.',
  })
  refreshToken!: string;

  @Field(() => DateTimeISOResolver)
  refreshTokenExpiresAt!: Date;

  @Field(() => Viewer, { description: 'The caller as the new access token describes it.' })
  viewer!: Viewer;

  static fromSession(session: Session): AuthPayload {
    const { accessToken, user } = session;
    return Object.assign(new AuthPayload(), {
      accessToken: accessToken.token,
      tokenType: 'Bearer',
      expiresAt: accessToken.expiresAt,
      refreshToken: session.refreshToken,
      refreshTokenExpiresAt: session.refreshTokenExpiresAt,
      // What the new access token says, so the client need not decode it.
      viewer: Viewer.fromClaims({
        subject: user.id,
        username: user.username,
        scopes: accessToken.scopes,
        expiresAt: accessToken.expiresAt,
      }),
    });
  }
}
