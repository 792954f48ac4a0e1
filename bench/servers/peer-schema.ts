import { GraphQLError } from 'graphql';
import { USERS } from '../fixtures';

/** The part of our schema the benchmark queries, for the peers written the way their docs teach. */
export const TYPE_DEFS = /* GraphQL */ `
  type Viewer {
    id: ID!
    username: String!
    scopes: [String!]!
    greeting: String!
  }
  type User {
    id: ID!
    username: String!
    scopes: [String!]!
  }
  type UserPage {
    nodes: [User!]!
  }
  type Query {
    me: Viewer!
    users(first: Int = 20): UserPage!
  }
`;

export interface PeerUser {
  sub: string;
  username: string;
  scopes: string[];
}

/** Resolvers that check access themselves (the pattern Apollo's docs teach). Users come from memory. */
export const resolvers = {
  Query: {
    me: (_parent: unknown, _args: unknown, { user }: { user?: PeerUser }) => {
      if (!user) throw new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } });
      return { id: user.sub, username: user.username, scopes: user.scopes, greeting: `Hey ${user.username}` };
    },
    users: (_parent: unknown, { first }: { first: number }, { user }: { user?: PeerUser }) => {
      if (!user?.scopes.includes('admin'))
        throw new GraphQLError('forbidden', { extensions: { code: 'FORBIDDEN' } });
      return { nodes: USERS.slice(0, first) };
    },
  },
};
