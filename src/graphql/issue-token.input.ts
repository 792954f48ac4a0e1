import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'Claims for a short-lived token. Nothing else can be put in a token.' })
export class IssueTokenInput {
  @Field(() => String, { description: 'The token subject (`sub`): a user or service id.' })
  subject!: string;

  @Field(() => String)
  username!: string;

  @Field(() => [String], { defaultValue: [], description: 'Scopes to grant; the caller must hold each one.' })
  scopes!: string[];

  @Field(() => Int, {
    nullable: true,
    description: 'Lifetime in seconds; defaults to JWT_TTL and may not exceed JWT_MAX_TTL.',
  })
  expiresIn?: number | null;
}
