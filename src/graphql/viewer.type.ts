import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { type AuthenticatedIdentity } from '../auth/identity';

/** What a Viewer is made of: the claims of a verified or freshly issued access token. */
export type ViewerClaims = Pick<AuthenticatedIdentity, 'subject' | 'username' | 'scopes' | 'expiresAt'>;

@ObjectType({
  simpleResolvers: true,
  description: 'The caller, exactly as its verified access token describes it.',
})
export class Viewer {
  @Field(() => ID, { description: 'The token subject (`sub`).' })
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => [String], { description: 'Scopes granted by the token.' })
  scopes!: string[];

  @Field(() => String, { description: 'The personalised dashboard greeting, "Hey <username>".' })
  greeting!: string;

  @Field(() => DateTimeISOResolver, { description: 'When the access token expires; refresh before then.' })
  tokenExpiresAt!: Date;

  static fromClaims(claims: ViewerClaims): Viewer {
    return Object.assign(new Viewer(), {
      id: claims.subject,
      username: claims.username,
      scopes: [...claims.scopes],
      greeting: `Hey ${claims.username}`,
      tokenExpiresAt: claims.expiresAt,
    });
  }
}
