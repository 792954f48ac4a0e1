import { type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  type ApolloServerPluginLandingPageLocalDefaultOptions,
} from '@apollo/server/plugin/landingPage/default';
import { type TokenService } from '../auth/token-service';
import { type Config } from '../config';
import { graphiqlPage, headerText, STARTER_DOCUMENT, withGraphiqlFallback } from './explorer';

const PAGE: ApolloServerPluginLandingPageLocalDefaultOptions = {
  includeCookies: false,
  document: STARTER_DOCUMENT,
  embed: { runTelemetry: false },
};

/**
 * The headers an explorer page starts with. With `sandboxToken` (development only: config refuses it in
 * production) an Authorization header with a token that has no scopes, minted for each page load, so a
 * page opened after the longest token lifetime still works against a long-running server; else none.
 */
export function explorerHeaders(
  config: Pick<Config, 'graphql' | 'jwt'>,
  tokens: TokenService,
): () => Record<string, string> {
  if (!config.graphql.sandboxToken) return () => ({});
  const ttlSeconds = config.jwt.maxTokenTtlSeconds;
  return () => {
    const { token } = tokens.issue({ subject: 'sandbox', username: 'sandbox', scopes: [], ttlSeconds });
    return { Authorization: `Bearer ${token}` };
  };
}

/**
 * The page a browser gets at /graphql wherever introspection is on (nothing otherwise): Apollo Sandbox,
 * which falls back to the self-hosted GraphiQL when its CDN cannot be reached, or GraphiQL itself
 * (`EXPLORER=graphiql`). Either is rendered anew for each load, for its fresh token.
 */
export function landingPage(
  config: Pick<Config, 'graphql' | 'jwt'>,
  tokens: TokenService,
): ApolloServerPlugin {
  if (!config.graphql.introspection) return ApolloServerPluginLandingPageDisabled();
  const headers = explorerHeaders(config, tokens);
  const render =
    config.graphql.explorer === 'graphiql'
      ? async () => {
          return graphiqlPage({ endpoint: 'graphql', headers: headerText(headers()) });
        }
      : async (server: Parameters<NonNullable<ApolloServerPlugin['serverWillStart']>>[0]) => {
          const sharedHeaders = headers();
          const embed = {
            runTelemetry: false,
            ...(Object.keys(sharedHeaders).length && { initialState: { sharedHeaders } }),
          };
          // Apollo's page bakes its options in when the plugin is made, so each load makes a new one.
          const page = await ApolloServerPluginLandingPageLocalDefault({ ...PAGE, embed }).serverWillStart!(
            server,
          );
          const { html } = await page!.renderLandingPage!();
          return withGraphiqlFallback(typeof html === 'string' ? html : await html());
        };
  return {
    async serverWillStart(server) {
      return { renderLandingPage: async () => ({ html: () => render(server) }) };
    },
  };
}
