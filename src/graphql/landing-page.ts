import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { type TokenService } from '../auth/token-service';
import { type Config } from '../config';

const STARTER_DOCUMENT = 'query Me {\n  me {\n    id\n    username\n    scopes\n    greeting\n  }\n}\n';

/**
 * The page a browser gets at /graphql: Apollo Sandbox wherever introspection is on, nothing otherwise.
 * In development its Authorization header is prefilled with a token that has no scopes (config never
 * allows this in production).
 */
export function landingPage(config: Config, tokens: TokenService) {
  if (!config.graphql.introspection) return ApolloServerPluginLandingPageDisabled();
  const sandboxHeaders = config.graphql.sandboxToken
    ? {
        Authorization: `Bearer ${tokens.issue({ subject: 'sandbox', username: 'sandbox', scopes: [], ttlSeconds: config.jwt.maxTokenTtlSeconds }).token}`,
      }
    : undefined;
  return ApolloServerPluginLandingPageLocalDefault({
    includeCookies: false,
    document: STARTER_DOCUMENT,
    embed: {
      runTelemetry: false,
      ...(sandboxHeaders && { initialState: { sharedHeaders: sandboxHeaders } }),
    },
  });
}
