import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bundledManifest from '../generated/persisted-documents.json';
import { ConfigError, loadConfig } from '../src/config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration from the environment', () => {
  it('has sane defaults for local development', () => {
    expect(loadConfig({})).toEqual({
      nodeEnv: 'development',
      port: 4000,
      host: '127.0.0.1',
      redisTarget: undefined,
      keyPrefix: 'wave',
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      redis: { commandTimeoutMs: 2000, connectTimeoutMs: 2000 },
      maxGate: 7,
      seedDemo: true,
      reset: {
        rateLimit: { max: 5, window: '1m' },
        previewRateLimit: { max: 30, window: '1m' },
        requireConfirmation: false,
        idempotencyTtlMs: 86_400_000,
        planTtlMs: 900_000,
        sweepQueues: true,
        maxDequeueLength: 100_000,
      },
      stuck: { queuedAfterMs: 600_000, runningAfterMs: 300_000, resultAfterMs: 300_000 },
      auth: {
        secret: undefined,
        publicKey: undefined,
        jwksUrl: undefined,
        issuer: undefined,
        audience: undefined,
        clockToleranceSeconds: 5,
        rolesClaim: 'roles',
      },
      queryLimits: { maxDepth: 8, maxAliases: 15, maxTokens: 1000, maxDirectives: 50, maxCost: 5000 },
      subscriptions: { perSocket: 20, perCaller: 100 },
      http: {
        bodyLimit: '100kb',
        introspection: true,
        ide: true,
        console: true,
        fieldSuggestions: true,
        allowBatchedRequests: false,
        executor: 'jit',
        corsOrigins: [],
        corsCredentials: false,
        trustProxy: false,
      },
      trustedDocuments: { mode: 'off', documents: new Map() },
    });
  });

  it('executes queries with graphql-jit unless GRAPHQL_EXECUTOR falls back to graphql-js', () => {
    expect(loadConfig({ GRAPHQL_EXECUTOR: 'graphql-js' }).http.executor).toBe('graphql-js');
    expect(loadConfig({ GRAPHQL_EXECUTOR: 'jit' }).http.executor).toBe('jit');
    expect(problemsOf({ GRAPHQL_EXECUTOR: 'jsc' })).toEqual([expect.stringMatching(/^GRAPHQL_EXECUTOR: .*"jit".*"graphql-js"/)]);
  });

  it('turns introspection, field suggestions, the IDE and the console off in production unless asked for', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://r:6379' };
    expect(loadConfig(production).http).toMatchObject({ introspection: false, fieldSuggestions: false, ide: false, console: false });
    expect(loadConfig({ ...production, CONSOLE: 'true' }).http.console).toBe(true);
    expect(loadConfig({ CONSOLE: 'false' }).http.console).toBe(false);
    expect(loadConfig({ ...production, INTROSPECTION: 'true' }).http.introspection).toBe(true);
    expect(loadConfig({ ...production, IDE: 'true' }).http.ide).toBe(true);
    expect(loadConfig({ IDE: 'false' }).http.ide).toBe(false);
  });

  it('trusts a federation gateway only with GATEWAY_SECRET, giving it MAX_TOKENS x (MAX_ALIASES + 1) tokens by default', () => {
    const secret = 's'.repeat(32);
    expect(loadConfig({}).http.gateway).toBeUndefined();
    expect(loadConfig({ GATEWAY_SECRET: secret }).http.gateway).toEqual({ secret, maxTokens: 16_000 });
    expect(loadConfig({ GATEWAY_SECRET: secret, MAX_TOKENS: '500', MAX_ALIASES: '3' }).http.gateway?.maxTokens).toBe(2000);
    expect(loadConfig({ GATEWAY_SECRET: secret, GATEWAY_MAX_TOKENS: '3000' }).http.gateway?.maxTokens).toBe(3000);
    expect(problemsOf({ GATEWAY_SECRET: 'short' })).toEqual(['GATEWAY_SECRET: must be at least 32 characters']);
    expect(problemsOf({ GATEWAY_MAX_TOKENS: '3000' })).toEqual(['GATEWAY_MAX_TOKENS: needs GATEWAY_SECRET']);
  });

  it('listens on 127.0.0.1 outside production and on every interface in production, unless HOST says otherwise', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://r:6379' };
    expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig(production).host).toBeUndefined();
    for (const host of ['0.0.0.0', '::', '::1', '192.0.2.10', 'localhost', 'api.internal']) {
      expect(loadConfig({ HOST: host }).host).toBe(host);
      expect(loadConfig({ ...production, HOST: host }).host).toBe(host);
    }
    for (const host of ['', 'http://0.0.0.0', '0.0.0.0:4000', '[::1]', 'a host']) {
      expect(problemsOf({ HOST: host })).toEqual([expect.stringMatching(/^HOST: must be an IP address .* or a host name/)]);
    }
  });

  it('requires reset confirmation in production unless turned off, and reads durations', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://r:6379' };
    expect(loadConfig(production).reset.requireConfirmation).toBe(true);
    expect(loadConfig({ ...production, REQUIRE_RESET_CONFIRMATION: 'false' }).reset.requireConfirmation).toBe(false);
    expect(loadConfig({ RESET_SWEEP_QUEUES: 'false' }).reset.sweepQueues).toBe(false);
    expect(problemsOf({ RESET_SWEEP_QUEUES: 'no' })).toEqual([expect.stringMatching(/^RESET_SWEEP_QUEUES: /)]);
    expect(loadConfig({}).reset.maxDequeueLength).toBe(100_000);
    expect(loadConfig({ RESET_DEQUEUE_MAX_QUEUE_LENGTH: '0' }).reset.maxDequeueLength).toBe(0);
    expect(problemsOf({ RESET_DEQUEUE_MAX_QUEUE_LENGTH: '-1' })).toEqual([expect.stringMatching(/^RESET_DEQUEUE_MAX_QUEUE_LENGTH: /)]);
    expect(loadConfig({ STUCK_QUEUED_AFTER: '90s' }).stuck.queuedAfterMs).toBe(90_000);
    expect(problemsOf({ STUCK_RUNNING_AFTER: 'soon' })).toEqual(['STUCK_RUNNING_AFTER: must be a duration like 30s, 10m or 24h']);
  });

  it('reads CORS origins as a list and refuses anything but origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://dash.example.com, http://localhost:5173' }).http.corsOrigins).toEqual([
      'https://dash.example.com',
      'http://localhost:5173',
    ]);
    expect(problemsOf({ CORS_ORIGINS: '*' })[0]).toMatch(/^CORS_ORIGINS/);
  });

  it('accepts a public key or a JWKS URL instead of a secret in production', () => {
    const production = { NODE_ENV: 'production', REDIS_URL: 'redis://r:6379' };
    expect(problemsOf({ ...production, JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' })).toEqual([]);
    expect(problemsOf({ ...production, JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----' })).toEqual([]);
  });

  it('reads every setting', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      REDIS_URL: 'redis://redis.internal:6380/2',
      KEY_PREFIX: 'wave-staging',
      JWT_SECRET: 'x'.repeat(32),
      JWT_ISSUER: 'https://idp.example.com/',
      JWT_AUDIENCE: 'wave-control',
      JWT_ROLES_CLAIM: 'realm_access.roles',
      MAX_DEPTH: '6',
      MAX_SUBSCRIPTIONS_PER_SOCKET: '5',
      MAX_SUBSCRIPTIONS_PER_CALLER: '50',
      MAX_GATE: '9',
      RESET_RATE_LIMIT: '10/30s',
      RESET_PREVIEW_RATE_LIMIT: '50/1h',
    });
    expect(config).toMatchObject({ nodeEnv: 'production', port: 8080, keyPrefix: 'wave-staging', maxGate: 9 });
    expect(config.reset.rateLimit).toEqual({ max: 10, window: '30s' });
    expect(config.reset.previewRateLimit).toEqual({ max: 50, window: '1h' });
    expect(config.auth).toMatchObject({ issuer: 'https://idp.example.com/', audience: 'wave-control', rolesClaim: 'realm_access.roles' });
    expect(config.queryLimits.maxDepth).toBe(6);
    expect(config.subscriptions).toEqual({ perSocket: 5, perCaller: 50 });
  });

  it('reports every bad value at once, each naming its variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      REDIS_URL: 'localhost:6379',
      MAX_GATE: '-1',
      RESET_RATE_LIMIT: 'often',
      RESET_PREVIEW_RATE_LIMIT: '30',
      KEY_PREFIX: 'a b',
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(
      ['KEY_PREFIX', 'MAX_GATE', 'PORT', 'REDIS_URL', 'RESET_PREVIEW_RATE_LIMIT', 'RESET_RATE_LIMIT'].sort(),
    );
  });

  it('refuses to start in production without JWT_SECRET or REDIS_URL', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET: is required when NODE_ENV=production (or JWT_PUBLIC_KEY or JWT_JWKS_URL)',
      'REDIS_URL: is required when NODE_ENV=production (or REDIS_SENTINELS or REDIS_CLUSTER_NODES)',
    ]);
  });

  it('seeds demo workflows on the embedded Redis only, unless SEED_DEMO says otherwise', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).seedDemo).toBe(false);
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', SEED_DEMO: 'true' }).seedDemo).toBe(true);
    expect(loadConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://r:6379', SEED_DEMO: 'true' })).toEqual([
      'SEED_DEMO: must not be true when NODE_ENV=production',
    ]);
  });

  it('reports production rules together with malformed values, in one go', () => {
    expect(problemsOf({ NODE_ENV: 'production', PORT: 'eighty' })).toEqual([
      'PORT: Invalid input: expected number, received NaN',
      'JWT_SECRET: is required when NODE_ENV=production (or JWT_PUBLIC_KEY or JWT_JWKS_URL)',
      'REDIS_URL: is required when NODE_ENV=production (or REDIS_SENTINELS or REDIS_CLUSTER_NODES)',
    ]);
  });

  it('reads a Redis URL, or Sentinels and the name of the master they watch', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://cache:6380' }).redisTarget).toEqual({ kind: 'url', url: 'rediss://cache:6380' });
    expect(
      loadConfig({ REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.2:26380,[::1]:26381', REDIS_SENTINEL_NAME: 'wave' }).redisTarget,
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'wave',
    });
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(problemsOf({ ...production, REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'wave' })).toEqual([]);
  });

  it('refuses Sentinel settings that cannot find a master, together with the other problems', () => {
    expect(problemsOf({ REDIS_SENTINELS: 's:26379', PORT: 'eighty' })).toEqual([
      'PORT: Invalid input: expected number, received NaN',
      'REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS',
    ]);
    expect(problemsOf({ REDIS_SENTINEL_NAME: 'wave' })).toEqual(['REDIS_SENTINEL_NAME: only applies with REDIS_SENTINELS']);
    for (const sentinels of ['s:26379,s', 's:99999', 'redis://s:26379']) {
      expect(problemsOf({ REDIS_SENTINELS: sentinels, REDIS_SENTINEL_NAME: 'wave' })).toEqual([
        expect.stringMatching(/^REDIS_SENTINELS\.\d: must be host:port addresses \(ports 1-65535\), comma-separated$/),
      ]);
    }
    expect(problemsOf({ REDIS_SENTINELS: ' , ', REDIS_SENTINEL_NAME: 'wave' })).toEqual([
      'REDIS_SENTINELS: must name at least one host:port',
    ]);
  });

  it('refuses two ways to reach Redis at once', () => {
    expect(
      problemsOf({ REDIS_URL: 'redis://r:6379', REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'wave', REDIS_CLUSTER_NODES: 'c:7000' }),
    ).toEqual([
      'REDIS_SENTINELS: cannot be combined with REDIS_URL; set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES',
      'REDIS_CLUSTER_NODES: cannot be combined with REDIS_URL; set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES',
    ]);
  });

  it('reads Redis Cluster seed nodes, and puts every key under the {wave} hash tag there by default', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'c1:7000,c2:7001' });
    expect(config.redisTarget).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'c1', port: 7000 },
        { host: 'c2', port: 7001 },
      ],
    });
    expect(config.keyPrefix).toBe('{wave}');
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'c1:7000', KEY_PREFIX: 'prod{wave}' }).keyPrefix).toBe('prod{wave}');
    // A tagged prefix is fine on one server too: the same keys then move to a cluster unchanged.
    expect(loadConfig({ REDIS_URL: 'redis://r:6379', KEY_PREFIX: '{wave}' }).keyPrefix).toBe('{wave}');
    expect(loadConfig({ REDIS_URL: 'redis://r:6379' }).keyPrefix).toBe('wave');
  });

  it('refuses a cluster key prefix without a hash tag, and malformed tags, with the other problems', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'c1:7000', KEY_PREFIX: 'wave', PORT: 'eighty' })).toEqual([
      'PORT: Invalid input: expected number, received NaN',
      'KEY_PREFIX: must hold a hash tag such as {wave} with REDIS_CLUSTER_NODES, so every WAVE key is in one slot',
    ]);
    for (const prefix of ['{}', '{a}{b}', 'wave}', '{wa{ve}', '']) {
      expect(problemsOf({ KEY_PREFIX: prefix }).map((problem) => problem.split(':')[0])).toEqual(['KEY_PREFIX']);
    }
  });

  it('reads the password (and ACL user) of the data nodes, and of the Sentinels, for Sentinel and Cluster', () => {
    const sentinel = { REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'wave' };
    expect(
      loadConfig({ ...sentinel, REDIS_USERNAME: 'wave', REDIS_PASSWORD: 'data-pw', REDIS_SENTINEL_PASSWORD: 'sentinel-pw' }).redisTarget,
    ).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: 's', port: 26379 }],
      masterName: 'wave',
      credentials: { username: 'wave', password: 'data-pw' },
      sentinelCredentials: { username: undefined, password: 'sentinel-pw' },
    });
    expect(
      loadConfig({ ...sentinel, REDIS_SENTINEL_USERNAME: 'watcher', REDIS_SENTINEL_PASSWORD: 'sentinel-pw' }).redisTarget,
    ).toMatchObject({
      credentials: undefined,
      sentinelCredentials: { username: 'watcher', password: 'sentinel-pw' },
    });
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'c1:7000', REDIS_PASSWORD: 'data-pw' }).redisTarget).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'c1', port: 7000 }],
      credentials: { username: undefined, password: 'data-pw' },
    });
  });

  it('refuses Redis credentials beside REDIS_URL, where they belong in the URL, with the other problems and without their values', () => {
    const problems = problemsOf({ REDIS_URL: 'redis://r:6379', REDIS_USERNAME: 'wave', REDIS_PASSWORD: 'data-pw', PORT: 'eighty' });
    expect(problems).toEqual([
      'PORT: Invalid input: expected number, received NaN',
      'REDIS_USERNAME: cannot be combined with REDIS_URL; put the user and password in the URL (redis://user:password@host:6379)',
      'REDIS_PASSWORD: cannot be combined with REDIS_URL; put the user and password in the URL (redis://user:password@host:6379)',
    ]);
    expect(problemsOf({ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_PASSWORD: 'sentinel-pw' })).toEqual([
      'REDIS_SENTINEL_PASSWORD: cannot be combined with REDIS_URL; put the user and password in the URL (redis://user:password@host:6379)',
    ]);
    expect(problems.join('\n')).not.toMatch(/data-pw/);
  });

  it('refuses Redis credentials that apply to nothing, a user without a password, and empty passwords', () => {
    expect(problemsOf({ REDIS_PASSWORD: 'data-pw' })).toEqual(['REDIS_PASSWORD: only applies with REDIS_SENTINELS or REDIS_CLUSTER_NODES']);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'c1:7000', REDIS_SENTINEL_PASSWORD: 'sentinel-pw' })).toEqual([
      'REDIS_SENTINEL_PASSWORD: only applies with REDIS_SENTINELS',
    ]);
    expect(
      problemsOf({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'wave', REDIS_USERNAME: 'wave', REDIS_SENTINEL_USERNAME: 'watcher' }),
    ).toEqual(['REDIS_USERNAME: needs REDIS_PASSWORD', 'REDIS_SENTINEL_USERNAME: needs REDIS_SENTINEL_PASSWORD']);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'c1:7000', REDIS_PASSWORD: '' })).toEqual(['REDIS_PASSWORD: must not be empty']);
  });

  it('refuses a JWT secret too short to resist brute force', () => {
    expect(problemsOf({ JWT_SECRET: 'short' })).toEqual(['JWT_SECRET: must be at least 32 characters']);
  });

  describe('trusted documents', () => {
    const directory = mkdtempSync(join(tmpdir(), 'config-manifest-'));
    const manifestFile = (name: string, content: string) => {
      const file = join(directory, name);
      writeFileSync(file, content);
      return file;
    };
    const hash = (algorithm: string, text: string) => createHash(algorithm).update(text).digest('hex');
    const own = 'query Own { queues { domain } }';
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://r:6379' };

    it('are off outside production and allowed (ids and documents) in production, with the bundled manifest', () => {
      expect(loadConfig({}).trustedDocuments.mode).toBe('off');
      const { mode, documents } = loadConfig(production).trustedDocuments;
      expect(mode).toBe('allow');
      expect(Object.fromEntries(documents)).toEqual(bundledManifest);
      expect(loadConfig({ ...production, TRUSTED_DOCUMENTS: 'require' }).trustedDocuments.mode).toBe('require');
    });

    it('add the documents of TRUSTED_DOCUMENTS_FILE to the bundled ones', () => {
      const file = manifestFile('own.json', JSON.stringify({ [hash('sha256', own)]: own }));
      const { documents } = loadConfig({ TRUSTED_DOCUMENTS: 'require', TRUSTED_DOCUMENTS_FILE: file }).trustedDocuments;
      expect(documents.get(hash('sha256', own))).toBe(own);
      expect(documents.size).toBe(Object.keys(bundledManifest).length + 1);
    });

    it('refuse to start on a TRUSTED_DOCUMENTS_FILE that is missing, not JSON, not an object, or of another hash, with the other problems', () => {
      const missing = join(directory, 'missing.json');
      expect(problemsOf({ TRUSTED_DOCUMENTS: 'require', TRUSTED_DOCUMENTS_FILE: missing, PORT: 'eighty' })).toEqual([
        'PORT: Invalid input: expected number, received NaN',
        `TRUSTED_DOCUMENTS_FILE: cannot read ${missing} (ENOENT)`,
      ]);
      const broken = manifestFile('broken.json', '{ "a": ');
      expect(problemsOf({ TRUSTED_DOCUMENTS_FILE: broken })).toEqual([`TRUSTED_DOCUMENTS_FILE: cannot read ${broken} (not valid JSON)`]);
      const list = manifestFile('list.json', JSON.stringify([own]));
      expect(problemsOf({ TRUSTED_DOCUMENTS_FILE: list })).toEqual([
        `TRUSTED_DOCUMENTS_FILE: ${list} must hold a JSON object of sha256 → document`,
      ]);
      // graphql-codegen's client-preset hashes with sha1 unless told otherwise.
      const sha1 = manifestFile('sha1.json', JSON.stringify({ [hash('sha1', own)]: own }));
      expect(problemsOf({ TRUSTED_DOCUMENTS_FILE: sha1 })).toEqual([
        `TRUSTED_DOCUMENTS_FILE: ${sha1}: "${hash('sha1', own)}" is not a sha256 in lowercase hex`,
      ]);
      const edited = manifestFile('edited.json', JSON.stringify({ [hash('sha256', own)]: `${own} ` }));
      expect(problemsOf({ TRUSTED_DOCUMENTS_FILE: edited })).toEqual([
        `TRUSTED_DOCUMENTS_FILE: ${edited}: ${hash('sha256', own)} is not the sha256 of its document`,
      ]);
      expect(problemsOf({ TRUSTED_DOCUMENTS: 'always' })).toEqual(['TRUSTED_DOCUMENTS: must be off, allow or require']);
    });
  });
});
