import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'A freshly signed access token.' })
export class IssuedToken {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken!: string;

  @Field(() => String, { description: 'Always "Bearer".' })
  tokenType!: string;

  @Field(() => DateTimeISOResolver)
  expiresAt!: Date;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => ID, {
    description: "The token's `jti`: what `revokeToken` takes to end it before it expires.",
  })
  tokenId!: string;
}
