import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { type AuthenticatedIdentity } from '../auth/identity';

@ObjectType({ description: 'The caller, exactly as its verified access token describes it.' })
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

  static fromIdentity(identity: AuthenticatedIdentity): Viewer {
    return Object.assign(new Viewer(), {
      id: identity.subject,
      username: identity.username,
      scopes: [...identity.scopes],
      greeting: `Hey ${identity.username}`,
      tokenExpiresAt: identity.expiresAt,
    });
  }
}
