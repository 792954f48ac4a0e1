import { z } from 'zod';
import { count, duration, type EnvReader, flag } from './env-reader';

export const EXPLORERS = ['sandbox', 'graphiql'] as const;
export type Explorer = (typeof EXPLORERS)[number];

export interface GraphqlConfig {
  /** Introspection and the Sandbox landing page; off in production unless asked for. */
  readonly introspection: boolean;
  /** In development, prefill Sandbox's Authorization header with a scope-less token minted per page load. */
  readonly sandboxToken: boolean;
  /**
   * What a browser gets at /graphql: Apollo Sandbox (from Apollo's CDN, falling back to GraphiQL when the
   * CDN cannot be reached) or the self-hosted GraphiQL, which needs no network beyond this API.
   */
  readonly explorer: Explorer;
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  readonly maxCost: number;
  /** Operations allowed in one batched HTTP request; 0 turns batching off. */
  readonly batchLimit: number;
  /** Parsed documents kept for reuse, bounded by their source text and syntax tree, in bytes. */
  readonly documentCacheBytes: number;
  /** Automatic persisted queries: cache size (bytes, approximate) and how long an entry lives. */
  readonly apqCacheBytes: number;
  readonly apqTtlSeconds: number;
}

/** INTROSPECTION, SANDBOX_TOKEN, EXPLORER, GRAPHQL_MAX_*, GRAPHQL_BATCH_LIMIT, GRAPHQL_DOCUMENT_CACHE_BYTES, APQ_*. */
export function readGraphql(env: EnvReader, production: boolean): GraphqlConfig {
  return {
    introspection: env.read('INTROSPECTION', flag, !production),
    // Never in production, whatever the variable says: the page would hand out a working token.
    sandboxToken: env.read('SANDBOX_TOKEN', flag, !production) && !production,
    explorer: env.read<Explorer>('EXPLORER', z.enum(EXPLORERS), 'sandbox'),
    maxDepth: env.read('GRAPHQL_MAX_DEPTH', count(1, 100), 10),
    maxAliases: env.read('GRAPHQL_MAX_ALIASES', count(0, 1000), 15),
    maxDirectives: env.read('GRAPHQL_MAX_DIRECTIVES', count(0, 1000), 10),
    maxTokens: env.read('GRAPHQL_MAX_TOKENS', count(50, 100_000), 2000),
    maxCost: env.read('GRAPHQL_MAX_COST', count(1, 1_000_000), 5000),
    batchLimit: env.read('GRAPHQL_BATCH_LIMIT', count(0, 100), 0),
    documentCacheBytes: env.read(
      'GRAPHQL_DOCUMENT_CACHE_BYTES',
      count(0, 1024 * 1024 * 1024),
      30 * 1024 * 1024,
    ),
    apqCacheBytes: env.read('APQ_CACHE_BYTES', count(0, 1024 * 1024 * 1024), 10 * 1024 * 1024),
    apqTtlSeconds: env.read('APQ_TTL', duration(30 * 86_400), 86_400),
  };
}
