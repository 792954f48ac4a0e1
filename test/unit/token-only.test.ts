import 'reflect-metadata';
import { type GraphQLSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { buildSchema, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { readsOnlyTheToken, TokenOnly } from '../../src/graphql/token-only';

@ObjectType('TokenOnlyCard', { simpleResolvers: true })
class Card {
  @Field(() => ID)
  id!: string;
}

@Resolver(() => Card)
class CardResolver {
  @Query(() => Card)
  @TokenOnly()
  card(): Card {
    return { id: 'from the token' };
  }

  @Query(() => Card)
  storedCard(): Card {
    return { id: 'from the database' };
  }

  @FieldResolver(() => [String])
  history(@Root() card: Card): string[] {
    return [card.id];
  }
}

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildSchema({ resolvers: [CardResolver], validate: false });
});

function judge(text: string): boolean {
  const document = parse(text);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = Object.fromEntries(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : [],
    ),
  );
  return readsOnlyTheToken(schema, operation, fragments);
}

describe('readsOnlyTheToken', () => {
  it.each([
    ['a marked field and plain properties beneath', '{ card { id } }'],
    ['the same through an inline fragment', '{ card { ... on TokenOnlyCard { id __typename } } }'],
    ['the same through a named fragment', '{ card { ...C } } fragment C on TokenOnlyCard { id }'],
    ['only __typename', '{ __typename }'],
    ['introspection', '{ __schema { queryType { name } } }'],
  ])('holds for %s', (_case, text) => expect(judge(text)).toBe(true));

  it.each([
    ['an unmarked root field', '{ storedCard { id } }'],
    ['a marked field beside an unmarked one', '{ card { id } storedCard { id } }'],
    ['an unmarked field resolver beneath a marked field', '{ card { id history } }'],
    ['the same through a named fragment', '{ card { ...C } } fragment C on TokenOnlyCard { history }'],
    ['the same through an inline fragment', '{ card { ... on TokenOnlyCard { history } } }'],
    ['a fragment the document does not hold', '{ card { ...Missing } }'],
  ])('does not hold for %s', (_case, text) => expect(judge(text)).toBe(false));
});
