import { ApolloArmor } from '@escape.tech/graphql-armor';
import { type GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { GraphQLError } from 'graphql';
import { type Config } from '../config';
import { type QueryLimit, QueryLimitError } from '../errors';
import { onePasswordCheck } from './one-password-check';
import { storableText } from './storable-text';

/** Reports a refusal as a validation error whose original error carries our stable code. */
function refuse(limit: QueryLimit, message: string): GraphQLArmorRejectCallback {
  return (context) =>
    context?.reportError(new GraphQLError(message, { originalError: new QueryLimitError(limit, message) }));
}

/**
 * graphql-armor's depth, alias, directive and cost limits, and one password check per mutation
 * (one-password-check.ts), as validation rules: a refused query gets 400
 * QUERY_LIMIT_EXCEEDED and never reaches a resolver. Two of armor's protections are done elsewhere, more
 * cheaply: the token limit by graphql-js's own parser option (server.ts; armor's version parses every
 * document a second time), and suggestion masking by the error formatter (armor's is a plugin that
 * allocates a listener on every request).
 */
export function abuseProtection(limits: Config['graphql']) {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: {
      n: limits.maxDepth,
      propagateOnRejection: false,
      onReject: [refuse('depth', `The query is nested more than ${limits.maxDepth} levels deep.`)],
    },
    maxAliases: {
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [refuse('aliases', `The query uses more than ${limits.maxAliases} aliases.`)],
    },
    maxDirectives: {
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: [refuse('directives', `The query uses more than ${limits.maxDirectives} directives.`)],
    },
    costLimit: {
      maxCost: limits.maxCost,
      propagateOnRejection: false,
      onReject: [
        refuse('cost', `The query would cost more than ${limits.maxCost} (fields weighted by depth).`),
      ],
    },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  // storableText is no abuse limit, but a rule every document must pass on every transport, as these are.
  return { plugins, validationRules: [...validationRules, onePasswordCheck, storableText] };
}

/**
 * graphql-js's message when a document passes `maxTokens` (16.x spells it "more that"); matched to give
 * the refusal our stable code.
 */
export const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more tha[nt] \d+ tokens\./;
