import { z } from 'zod';
import { commaSeparated, flag, positiveInt } from './env-values';

/** What one operation, one socket and one request may ask for, and who may call from where. */
export const httpEnv = z.object({
  MAX_DEPTH: positiveInt(8),
  MAX_ALIASES: positiveInt(15),
  MAX_TOKENS: positiveInt(1000),
  MAX_DIRECTIVES: positiveInt(50),
  MAX_COST: positiveInt(5000),
  GATEWAY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  GATEWAY_MAX_TOKENS: z.coerce.number().int().min(1).optional(),
  MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt(20),
  MAX_SUBSCRIPTIONS_PER_CALLER: positiveInt(100),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 100kb')
    .default('100kb'),
  INTROSPECTION: flag,
  IDE: flag,
  CONSOLE: flag,
  FIELD_SUGGESTIONS: flag,
  ALLOW_BATCHED_REQUESTS: flag,
  GRAPHQL_EXECUTOR: z.enum(['jit', 'graphql-js']).default('jit'),
  CORS_ORIGINS: commaSeparated
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be origins like https://dash.example.com, comma-separated')))
    .default([]),
  CORS_CREDENTIALS: flag,
  TRUST_PROXY: z
    .string()
    .regex(/^(false|true|loopback|\d+)$/, 'must be false, true, loopback or the number of proxies in front')
    .default('false'),
});

/** Limits on what one operation may ask for (GraphQL Armor). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
}

/** How many subscriptions may stream at once (MAX_SUBSCRIPTIONS_PER_SOCKET, MAX_SUBSCRIPTIONS_PER_CALLER). */
export interface SubscriptionLimits {
  perSocket: number;
  /** Per token subject, across every connection to this process. */
  perCaller: number;
}

/**
 * A federation gateway that proves itself with the shared secret (GATEWAY_SECRET, sent as
 * X-Gateway-Secret): its rewrite of a client's operation is longer than what the client sent (a copy of
 * each fragment per root field, literals turned into variables), so it parses up to `maxTokens`; the
 * gateway holds its clients to MAX_TOKENS itself. Every other limit is the same for it.
 */
export interface TrustedGateway {
  secret: string;
  maxTokens: number;
}

export interface HttpConfig {
  bodyLimit: string;
  /** Absent: no caller is a trusted gateway. */
  gateway?: TrustedGateway;
  introspection: boolean;
  /** The offline GraphQL IDE at GET /ide (and GET /graphql from a browser). */
  ide: boolean;
  /** The operator console at GET /console. */
  console: boolean;
  fieldSuggestions: boolean;
  allowBatchedRequests: boolean;
  /** What executes queries: graphql-jit (compiled once per document) or graphql-js, to fall back to. */
  executor: 'jit' | 'graphql-js';
  corsOrigins: string[];
  corsCredentials: boolean;
  /** Express's `trust proxy`: only then is X-Forwarded-For believed for client addresses. */
  trustProxy: boolean | number | 'loopback';
}

type HttpEnv = z.output<typeof httpEnv>;

export function queryLimitsOf(value: HttpEnv): QueryLimits {
  return {
    maxDepth: value.MAX_DEPTH,
    maxAliases: value.MAX_ALIASES,
    maxTokens: value.MAX_TOKENS,
    maxDirectives: value.MAX_DIRECTIVES,
    maxCost: value.MAX_COST,
  };
}

export function subscriptionLimitsOf(value: HttpEnv): SubscriptionLimits {
  return { perSocket: value.MAX_SUBSCRIPTIONS_PER_SOCKET, perCaller: value.MAX_SUBSCRIPTIONS_PER_CALLER };
}

export function httpConfigOf(value: HttpEnv, isProduction: boolean): HttpConfig {
  // Exploration aids are on while developing and off in production unless asked for.
  const developmentDefault = (setting: 'true' | 'false' | undefined): boolean => (setting ? setting === 'true' : !isProduction);
  return {
    bodyLimit: value.BODY_LIMIT,
    gateway: value.GATEWAY_SECRET
      ? { secret: value.GATEWAY_SECRET, maxTokens: value.GATEWAY_MAX_TOKENS ?? value.MAX_TOKENS * (value.MAX_ALIASES + 1) }
      : undefined,
    introspection: developmentDefault(value.INTROSPECTION),
    ide: developmentDefault(value.IDE),
    console: developmentDefault(value.CONSOLE),
    fieldSuggestions: developmentDefault(value.FIELD_SUGGESTIONS),
    allowBatchedRequests: value.ALLOW_BATCHED_REQUESTS === 'true',
    executor: value.GRAPHQL_EXECUTOR,
    corsOrigins: value.CORS_ORIGINS,
    corsCredentials: value.CORS_CREDENTIALS === 'true',
    trustProxy: parseTrustProxy(value.TRUST_PROXY),
  };
}

/** Settings that only make sense together, checked on the raw environment. */
export function gatewayProblems(env: NodeJS.ProcessEnv): string[] {
  return env.GATEWAY_MAX_TOKENS !== undefined && !env.GATEWAY_SECRET ? ['GATEWAY_MAX_TOKENS: needs GATEWAY_SECRET'] : [];
}

function parseTrustProxy(value: string): HttpConfig['trustProxy'] {
  if (value === 'true' || value === 'false') return value === 'true';
  return value === 'loopback' ? value : Number(value);
}
