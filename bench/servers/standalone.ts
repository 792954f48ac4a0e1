import { type KeyObject } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import jwt from 'jsonwebtoken';
import { announce, AUDIENCE, ISSUER, SECRET } from '../fixtures';
import { type PeerUser, resolvers, TYPE_DEFS } from './peer-schema';

/**
 * (3) Apollo's documented pattern: startStandaloneServer, jsonwebtoken in the context, checks in resolvers,
 * with the secret as a string as jsonwebtoken's README shows. `standalone-key-object.ts` runs the same
 * server with the secret as a KeyObject (see SECRET_KEY).
 */
export async function serveStandalone(secret: string | KeyObject): Promise<void> {
  const server = new ApolloServer<{ user?: PeerUser }>({
    typeDefs: TYPE_DEFS,
    resolvers,
    introspection: false,
  });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => {
      const token = req.headers.authorization?.replace(/^Bearer /i, '');
      if (!token) return {};
      const claims = jwt.verify(token, secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      }) as {
        sub: string;
        username: string;
        scope?: string;
      };
      return { user: { sub: claims.sub, username: claims.username, scopes: claims.scope?.split(' ') ?? [] } };
    },
  });
  announce(url.replace(/\/$/, ''));
}

if (require.main === module) void serveStandalone(SECRET);
