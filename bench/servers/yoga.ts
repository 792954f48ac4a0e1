import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { useGenericAuth } from '@envelop/generic-auth';
import { createInlineSigningKeyProvider, extractFromHeader, useJWT } from '@graphql-yoga/plugin-jwt';
import { createSchema, createYoga } from 'graphql-yoga';
import { announce, AUDIENCE, ISSUER, SECRET } from '../fixtures';
import { resolvers, TYPE_DEFS } from './peer-schema';

/** (4) graphql-yoga with @graphql-yoga/plugin-jwt and @envelop/generic-auth, configured as their docs show. */
function main(): void {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: `directive @authenticated on FIELD_DEFINITION\n${TYPE_DEFS.replace('me: Viewer!', 'me: Viewer! @authenticated')}`,
      resolvers,
    }),
    graphiql: false,
    logging: false,
    maskedErrors: true,
    plugins: [
      useJWT({
        signingKeyProviders: [createInlineSigningKeyProvider(SECRET)],
        tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
        tokenVerification: { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE },
        reject: { missingToken: false, invalidToken: true },
      }),
      useGenericAuth({
        mode: 'protect-granular',
        resolveUserFn: (context: {
          jwt?: { payload: { sub: string; username: string; scope?: string } };
        }) => {
          const claims = context.jwt?.payload;
          return claims
            ? { sub: claims.sub, username: claims.username, scopes: claims.scope?.split(' ') ?? [] }
            : null;
        },
        contextFieldName: 'user',
      }),
    ],
  });
  // yoga is a request listener that returns a promise; node:http ignores it, as yoga's docs show.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  const server = createServer(yoga);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    announce(`http://127.0.0.1:${port}/graphql`);
  });
}

main();
