import { type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  type ApolloServerPluginLandingPageLocalDefaultOptions,
} from '@apollo/server/plugin/landingPage/default';
import { type TokenService } from '../auth/token-service';
import { type Config } from '../config';

const STARTER_DOCUMENT = 'query Me {\n  me {\n    id\n    username\n    scopes\n    greeting\n  }\n}\n';
const PAGE: ApolloServerPluginLandingPageLocalDefaultOptions = {
  includeCookies: false,
  document: STARTER_DOCUMENT,
  embed: { runTelemetry: false },
};

/**
 * The page a browser gets at /graphql: Apollo Sandbox wherever introspection is on, nothing otherwise.
 * With `sandboxToken` (development only: config refuses it in production) Sandbox's Authorization header is
 * prefilled with a token that has no scopes, minted for each page load, so a page opened after the
 * longest token lifetime still works against a long-running server.
 */
export function landingPage(
  config: Pick<Config, 'graphql' | 'jwt'>,
  tokens: TokenService,
): ApolloServerPlugin {
  if (!config.graphql.introspection) return ApolloServerPluginLandingPageDisabled();
  if (!config.graphql.sandboxToken) return ApolloServerPluginLandingPageLocalDefault(PAGE);
  const ttlSeconds = config.jwt.maxTokenTtlSeconds;
  const withFreshToken = (): ApolloServerPluginLandingPageLocalDefaultOptions => {
    const { token } = tokens.issue({ subject: 'sandbox', username: 'sandbox', scopes: [], ttlSeconds });
    const sharedHeaders = { Authorization: `Bearer ${token}` };
    return { ...PAGE, embed: { runTelemetry: false, initialState: { sharedHeaders } } };
  };
  return {
    // Apollo's page bakes its options in when the plugin is made, so each page load renders a new one.
    async serverWillStart(server) {
      return {
        async renderLandingPage() {
          return {
            async html() {
              const page =
                await ApolloServerPluginLandingPageLocalDefault(withFreshToken()).serverWillStart!(server);
              const { html } = await page!.renderLandingPage!();
              return typeof html === 'string' ? html : html();
            },
          };
        },
      };
    },
  };
}
