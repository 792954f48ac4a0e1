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

@ObjectType({ description: 'What one root operation requires, read from the map the server enforces.' })
export class OperationPermission {
  @Field(() => String, { description: 'The root field name, e.g. "me".' })
  operation!: string;

  @Field(() => OperationType)
  type!: OperationType;

  @Field(() => Boolean)
  requiresAuthentication!: boolean;

  @Field(() => [String], { description: 'Every one of these scopes is required.' })
  requiredScopes!: string[];
}
