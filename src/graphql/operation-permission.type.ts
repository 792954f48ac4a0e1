import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum OperationType {
  QUERY = 'Query',
  MUTATION = 'Mutation',
  SUBSCRIPTION = 'Subscription',
}
registerEnumType(OperationType, {
  name: 'OperationType',
  description: 'The root type an operation belongs to.',
});

export enum AccountRequirement {
  ANY = 'any',
  LOCAL = 'local',
  LIVE = 'live',
}
registerEnumType(AccountRequirement, {
  name: 'AccountRequirement',
  description: 'Which tokens qualify for an operation at all.',
  valuesConfig: {
    ANY: { description: "Any verified token: this API's or a trusted issuer's." },
    LOCAL: { description: 'A token this API issued.' },
    LIVE: {
      description:
        'A token this API issued, whose account is active now and still holds the scopes that let it in (checked against the database on every request).',
    },
  },
});

@ObjectType({
  simpleResolvers: true,
  description: 'The owner alternative of an operation: its owner may use it without the scopes.',
})
export class OwnerAlternative {
  @Field(() => String, { description: 'In words: "the account named by `id`".' })
  description!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The argument naming the account (or, with `resource`, the resource) it concerns.',
  })
  argument!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The kind of resource `argument` names, whose owner is looked up (e.g. "Note").',
  })
  resource!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'What one root operation requires, read from the map the server enforces.',
})
export class OperationPermission {
  @Field(() => String, { description: 'The root field name, e.g. "me".' })
  operation!: string;

  @Field(() => OperationType)
  type!: OperationType;

  @Field(() => Boolean)
  requiresAuthentication!: boolean;

  @Field(() => [[String]], {
    description:
      'Any one of these sets lets a caller in when its token grants every scope of the set, with the scope hierarchy expanded (`[["admin"], ["users:read"]]`). `[[]]`: any token; `[]`: scopes alone never do (owner only) or the operation is public.',
  })
  anyOfScopes!: string[][];

  @Field(() => OwnerAlternative, { nullable: true, description: 'Who may use it without the scopes.' })
  owner!: OwnerAlternative | null;

  @Field(() => AccountRequirement)
  account!: AccountRequirement;

  @Field(() => [String], {
    deprecationReason: 'Use anyOfScopes: an operation may accept several sets of scopes, or its owner.',
    description: "The operation's first scope set as the permission map declares it, before the hierarchy.",
  })
  requiredScopes!: string[];
}
