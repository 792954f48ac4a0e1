import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  type GraphQLError,
  type GraphQLObjectType,
  type GraphQLSchema,
  isAbstractType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
import { type Identity } from '../auth/identity';
import { AppError, InputError } from '../errors';
import { toGraphQLError } from '../server/graphql-error';
import { type AccessFacts, decide } from '../permissions/decide';
import { type PermissionMap } from '../permissions/permission-map';

/** A field the gate refused, and why. */
export interface SubscriptionRefusal {
  /** `Type.field`, for the denial metric. */
  readonly field: string;
  readonly refusal: AppError;
}

export interface SubscriptionGate {
  readonly schema: GraphQLSchema;
  readonly permissions: PermissionMap;
  readonly facts: AccessFacts;
  /** Told of each field refused (`Type.field`), for metrics. */
  readonly onDenied: (field: string) => void;
}

interface Walk {
  readonly gate: SubscriptionGate;
  readonly fragments: Record<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
  readonly identity: Identity;
  readonly context: object;
}

/**
 * {@link subscriptionAccess} as graphql-ws's onSubscribe answers: the refusal as errors, SERVICE_UNAVAILABLE
 * when the database could not tell (the live-account check), or undefined when the subscription may start.
 */
export async function subscriptionRefusal(
  gate: SubscriptionGate,
  prepared: { readonly document: DocumentNode; readonly operation: OperationDefinitionNode },
  variables: Record<string, unknown> | null | undefined,
  request: { readonly identity: Identity; readonly context: object },
): Promise<GraphQLError[] | undefined> {
  let denied: SubscriptionRefusal | undefined;
  try {
    denied = await subscriptionAccess(
      gate,
      prepared.document,
      prepared.operation,
      variables ?? undefined,
      request,
    );
  } catch (error) {
    if (error instanceof AppError) return [toGraphQLError(error)];
    throw error;
  }
  if (!denied) return undefined;
  gate.onDenied(denied.field);
  return [toGraphQLError(denied.refusal)];
}

/**
 * The permission map applied to a subscription before it starts, over every field the operation really
 * selects: graphql-js's own field collection, so fragments (inline and named, at any depth), `@skip` and
 * `@include` count exactly as execution will count them. Each field is decided by the same function the
 * HTTP path's shield rules call (permissions/decide.ts), the live-account check included. Refusing before
 * the subscription starts means a refused one never listens at all; fields whose owner is read from the
 * object itself are decided per event, by the shield rules of the schema it executes on.
 * @param variables as the client sent them; when they do not coerce, execution refuses the subscription
 * @returns the first refusal, or undefined when the subscription may start
 */
export async function subscriptionAccess(
  gate: SubscriptionGate,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  request: { readonly identity: Identity; readonly context: object },
): Promise<SubscriptionRefusal | undefined> {
  const root = gate.schema.getSubscriptionType();
  if (!root) return undefined;
  const coerced = getVariableValues(gate.schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return undefined;
  const fragments = Object.fromEntries(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const walk: Walk = { gate, fragments, variables: coerced.coerced, ...request };
  return visit(
    walk,
    root,
    collectFields(gate.schema, fragments, coerced.coerced, root, operation.selectionSet),
  );
}

async function visit(
  walk: Walk,
  type: GraphQLObjectType,
  fields: Map<string, ReadonlyArray<FieldNode>>,
): Promise<SubscriptionRefusal | undefined> {
  const { gate } = walk;
  const open = gate.permissions.openTypes.includes(type.name);
  for (const nodes of fields.values()) {
    const name = nodes[0]!.name.value;
    const definition = type.getFields()[name];
    if (!definition) continue; // __typename
    const policy = gate.permissions.policyOf(type.name, name);
    if (!open && !(policy?.kind === 'guarded' && policy.owner?.kind === 'parent')) {
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(definition, nodes[0]!, walk.variables);
      } catch (error) {
        // Arguments that do not coerce fail execution too; refused here, the subscription never starts.
        return { field: `${type.name}.${name}`, refusal: new InputError((error as Error).message) };
      }
      const refusal = await decide(
        policy,
        { identity: walk.identity, args, parent: undefined, context: walk.context },
        gate.facts,
      );
      if (refusal) return { field: `${type.name}.${name}`, refusal };
    }
    const named = getNamedType(definition.type);
    const runtimeTypes = isAbstractType(named)
      ? gate.schema.getPossibleTypes(named)
      : isObjectType(named)
        ? [named]
        : [];
    for (const runtime of runtimeTypes) {
      const refused = await visit(
        walk,
        runtime,
        collectSubfields(gate.schema, walk.fragments, walk.variables, runtime, nodes),
      );
      if (refused) return refused;
    }
  }
  return undefined;
}
