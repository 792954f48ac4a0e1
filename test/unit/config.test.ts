import { ConfigError, parseConfig, parseDurationSeconds } from '../../src/config';
import { thrown } from '../helpers/thrown';

const problems = (env: Record<string, string>) => thrown(() => parseConfig(env), ConfigError).problems;

const KEY = 'k'.repeat(32);

describe('parseConfig', () => {
  it('runs on embedded defaults in development, with no key (the generated dev key is used)', () => {
    const config = parseConfig({});
    expect(config).toEqual({
      env: 'development',
      server: {
        host: 'localhost',
        port: 4000,
        logLevel: 'info',
        shutdownDelayMs: 0,
        shutdownTimeoutMs: 10_000,
        trustProxy: false,
        publicUrl: undefined,
      },
      jwt: {
        issuer: 'graphql-jwt-api',
        audience: 'graphql-jwt-api',
        accessTokenTtlSeconds: 900,
        maxTokenTtlSeconds: 3600,
        clockToleranceSeconds: 5,
        trustedTokenMaxTtlSeconds: 86_400,
        algorithm: 'HS256',
        keys: null,
        privateKeyFiles: null,
        activeKeyId: null,
        trustedIssuers: [],
        jwks: { timeoutMs: 3000, minCacheSeconds: 60, maxCacheSeconds: 86_400, cooldownSeconds: 30 },
      },
      http: {
        bodyLimitBytes: 102_400,
        requestTimeoutMs: 30_000,
        headersTimeoutMs: 10_000,
        corsOrigins: true,
      },
      graphql: {
        introspection: true,
        sandboxToken: true,
        explorer: 'sandbox',
        maxDepth: 10,
        maxAliases: 15,
        maxDirectives: 10,
        maxTokens: 2000,
        maxCost: 5000,
        batchLimit: 0,
        documentCacheBytes: 30 * 1024 * 1024,
        apqCacheBytes: 10 * 1024 * 1024,
        apqTtlSeconds: 86_400,
      },
      subscriptions: {
        connectionInitTimeoutMs: 3000,
        keepAliveMs: 12_000,
        maxSubscriptionsPerSocket: 10,
        maxSocketsPerUser: 10,
        maxSocketsPerAddress: 100,
        maxMessageBytes: 65_536,
        maxBufferedBytes: 1_048_576,
      },
      database: { url: 'sqlite:.data/api.sqlite', engine: 'sqlite', queryTimeoutMs: 5000 },
      accounts: {
        refreshTokenTtlSeconds: 14 * 86_400,
        sessionMaxAgeSeconds: 30 * 86_400,
        refreshReuseGraceSeconds: 2,
        refreshReuseGraceAcrossClients: false,
        passwordScryptLog2N: 15,
        loginMaxFailuresPerUsernameAndIp: 10,
        loginMaxFailuresPerIp: 50,
        loginSlowdownAfterFailures: 10,
        loginMaxAttemptsPerIp: 300,
        loginThrottleWindowSeconds: 900,
        refreshTokenRetentionSeconds: 7 * 86_400,
        revocationPollIntervalSeconds: 2,
        auditRetentionSeconds: 90 * 86_400,
      },
      trustedDocuments: {
        mode: 'allow',
        manifests: ['clients/typescript/src/generated/persisted-documents.json'],
        manifestsNamed: false,
        allowIntrospection: true,
      },
      observability: {
        metrics: {
          enabled: false,
          port: undefined,
          host: 'localhost',
          token: undefined,
          operationNames: [],
          clients: [],
        },
        tracing: {
          otlpEndpoint: undefined,
          serviceName: 'graphql-jwt-api',
          sampler: 'parentbased_always_on',
          samplerRatio: 1,
          exportBatchSize: 128,
        },
      },
      graphos: { usageReporting: undefined },
      authorization: {
        scopeHierarchy: {},
        scopeClosure: new Map([
          ['admin', ['audit:read', 'tokens:issue', 'tokens:revoke', 'users:read', 'users:write']],
        ]),
      },
      dataDir: '.data',
      warnings: [],
    });
  });

  it('reads METRICS_OPERATION_NAMES, refuses what is no operation name, and warns of the retired METRICS_MAX_OPERATION_NAMES', () => {
    expect(
      parseConfig({ METRICS_OPERATION_NAMES: 'Me, NightlyReport' }).observability.metrics.operationNames,
    ).toEqual(['Me', 'NightlyReport']);
    expect(problems({ METRICS_OPERATION_NAMES: 'Me,not a name' })).toEqual([
      'METRICS_OPERATION_NAMES: expected at most 1000 comma-separated GraphQL operation names',
    ]);
    expect(parseConfig({ METRICS_MAX_OPERATION_NAMES: '50' }).warnings).toEqual([
      'METRICS_MAX_OPERATION_NAMES no longer applies: operation names get a series of their own only when METRICS_OPERATION_NAMES lists them or a trusted-document manifest defines them',
    ]);
  });

  describe('SCOPE_HIERARCHY', () => {
    it("adds the operator's implications to admin's, closed transitively", () => {
      const { authorization } = parseConfig({
        SCOPE_HIERARCHY:
          '{"auditor":["audit:read"],"notes:admin":["notes:read","notes:write"],"ops":["notes:admin"],"admin":["notes:admin"]}',
      });
      expect(Object.fromEntries(authorization.scopeClosure)).toEqual({
        admin: [
          'audit:read',
          'notes:admin',
          'notes:read',
          'notes:write',
          'tokens:issue',
          'tokens:revoke',
          'users:read',
          'users:write',
        ],
        auditor: ['audit:read'],
        'notes:admin': ['notes:read', 'notes:write'],
        ops: ['notes:admin', 'notes:read', 'notes:write'],
      });
    });

    it.each([
      [
        'not JSON',
        '{auditor: [audit:read]}',
        'SCOPE_HIERARCHY: must be JSON, such as {"auditor":["audit:read"]}',
      ],
      [
        'an array',
        '["audit:read"]',
        'SCOPE_HIERARCHY: must be a JSON object mapping each scope to the array of scopes it implies',
      ],
      [
        'null',
        'null',
        'SCOPE_HIERARCHY: must be a JSON object mapping each scope to the array of scopes it implies',
      ],
      [
        'a string value',
        '{"auditor":"audit:read"}',
        'SCOPE_HIERARCHY: "auditor" must map to an array of at most 64 scope tokens',
      ],
      [
        'a bad implied scope',
        '{"auditor":["audit read"]}',
        'SCOPE_HIERARCHY: "auditor" must map to an array of at most 64 scope tokens',
      ],
      ['a bad key', '{"a b":["c"]}', 'SCOPE_HIERARCHY: "a b" is not a scope token (RFC 6749 §3.3)'],
      [
        'a cycle',
        '{"a":["b"],"b":["c"],"c":["a"]}',
        'SCOPE_HIERARCHY: scope hierarchy has a cycle: a -> b -> c -> a',
      ],
      ['a scope implying itself', '{"a":["a"]}', 'SCOPE_HIERARCHY: scope hierarchy has a cycle: a -> a'],
      [
        'a cycle through admin',
        '{"users:read":["admin"]}',
        'SCOPE_HIERARCHY: scope hierarchy has a cycle: admin -> users:read -> admin',
      ],
    ])('stops startup on %s, saying why', (_case, value, problem) => {
      expect(problems({ SCOPE_HIERARCHY: value })).toEqual([problem]);
    });
  });

  it('returns a deeply frozen object', () => {
    const config = parseConfig({ SIGNING_KEY: KEY });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.jwt)).toBe(true);
    expect(Object.isFrozen(config.jwt.keys)).toBe(true);
    expect(Object.isFrozen(config.jwt.keys![0])).toBe(true);
  });

  it('reads every documented key', () => {
    const config = parseConfig({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '8080',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DELAY: '15s',
      SHUTDOWN_TIMEOUT: '30s',
      DATA_DIR: '/var/lib/api',
      JWT_ISSUER: 'https://api.example.com',
      JWT_AUDIENCE: 'example-clients',
      JWT_TTL: '5m',
      JWT_MAX_TTL: '2h',
      JWT_CLOCK_TOLERANCE: '10',
      SIGNING_KEY: KEY,
      SIGNING_KEY_ID: 'primary',
    });
    expect(config).toMatchObject({
      env: 'production',
      server: {
        host: '127.0.0.1',
        port: 8080,
        logLevel: 'warn',
        shutdownDelayMs: 15_000,
        shutdownTimeoutMs: 30_000,
      },
      jwt: {
        issuer: 'https://api.example.com',
        audience: 'example-clients',
        accessTokenTtlSeconds: 300,
        maxTokenTtlSeconds: 7200,
        clockToleranceSeconds: 10,
        keys: [{ id: 'primary', secret: KEY }],
        activeKeyId: 'primary',
      },
      dataDir: '/var/lib/api',
    });
  });

  it('keeps serving for a few seconds after SIGTERM by default only in production', () => {
    expect(parseConfig({ NODE_ENV: 'production', SIGNING_KEY: KEY }).server.shutdownDelayMs).toBe(5000);
    expect(parseConfig({}).server.shutdownDelayMs).toBe(0);
  });

  it('listens on all interfaces by default only in production', () => {
    expect(parseConfig({ NODE_ENV: 'production', SIGNING_KEY: KEY }).server.host).toBe('0.0.0.0');
  });

  it('reports every problem at once', () => {
    expect(
      problems({
        NODE_ENV: 'staging',
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        JWT_TTL: 'forever',
        JWT_CLOCK_TOLERANCE: '1h',
        SIGNING_KEY: KEY,
        SIGNING_KEYS: `a=${KEY}`,
      }),
    ).toEqual([
      expect.stringMatching(/^NODE_ENV: /),
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^LOG_LEVEL: /),
      expect.stringMatching(/^JWT_TTL: /),
      expect.stringMatching(/^JWT_CLOCK_TOLERANCE: /),
      'SIGNING_KEY and SIGNING_KEYS: set one or the other, not both',
    ]);
  });

  it('never echoes a secret in its messages', () => {
    const secret = 'short-secret-value';
    const error = thrown(
      () => parseConfig({ NODE_ENV: 'production', SIGNING_KEYS: `a=${secret},b` }),
      ConfigError,
    );
    expect(error.message).not.toContain(secret);
  });

  describe('signing keys', () => {
    it('refuses to start in production without a key', () => {
      expect(problems({ NODE_ENV: 'production' })).toEqual([
        expect.stringMatching(/^SIGNING_KEY: required in production/),
      ]);
    });

    it('refuses a key shorter than 32 bytes in production and warns in development', () => {
      expect(problems({ NODE_ENV: 'production', SIGNING_KEY: 'k'.repeat(31) })).toEqual([
        'SIGNING_KEY: shorter than 32 bytes',
      ]);
      expect(parseConfig({ SIGNING_KEY: 'k'.repeat(31) }).warnings).toEqual([
        'SIGNING_KEY: shorter than 32 bytes; production would refuse to start',
      ]);
    });

    it('measures key length in bytes, not characters', () => {
      expect(parseConfig({ NODE_ENV: 'production', SIGNING_KEY: 'é'.repeat(16) }).jwt.keys).toHaveLength(1);
    });

    it('reads a rotation list and signs with SIGNING_KEY_ID, or the first key', () => {
      const list = `2026-11=${KEY}, 2026-12=${KEY}x==`;
      expect(parseConfig({ SIGNING_KEYS: list }).jwt).toMatchObject({
        keys: [
          { id: '2026-11', secret: KEY },
          { id: '2026-12', secret: `${KEY}x==` },
        ],
        activeKeyId: '2026-11',
      });
      expect(parseConfig({ SIGNING_KEYS: list, SIGNING_KEY_ID: '2026-12' }).jwt.activeKeyId).toBe('2026-12');
    });

    it.each([
      [{ SIGNING_KEYS: `a=${KEY},a=${KEY}` }, 'SIGNING_KEYS: key id "a" appears more than once'],
      [
        { SIGNING_KEYS: KEY },
        'SIGNING_KEYS: entry 1 must be <key id>=<secret>, key id of [A-Za-z0-9._-]{1,64}',
      ],
      [
        { SIGNING_KEYS: `bad id=${KEY}` },
        'SIGNING_KEYS: entry 1 must be <key id>=<secret>, key id of [A-Za-z0-9._-]{1,64}',
      ],
      [{ SIGNING_KEYS: ' , ' }, 'SIGNING_KEYS: lists no key'],
      [
        { SIGNING_KEYS: `a=${KEY}`, SIGNING_KEY_ID: 'b' },
        'SIGNING_KEY_ID: "b" is not one of the SIGNING_KEYS ids',
      ],
      [{ SIGNING_KEY: KEY, SIGNING_KEY_ID: 'x/y' }, 'SIGNING_KEY_ID: must match [A-Za-z0-9._-]{1,64}'],
      [{ SIGNING_KEY_ID: 'a' }, 'SIGNING_KEY_ID: set without SIGNING_KEY or SIGNING_KEYS'],
    ])('refuses %j', (env, problem) => {
      expect(problems(env)).toEqual([problem]);
    });
  });

  describe('asymmetric keys and trusted issuers', () => {
    const auth0 = {
      issuer: 'https://example.eu.auth0.com/',
      audience: 'https://api.example.com',
      algorithms: ['RS256'],
      jwksUri: 'https://example.eu.auth0.com/.well-known/jwks.json',
      usernameClaim: 'nickname',
      scopesClaim: 'permissions',
    };

    it('reads RS256/ES256 key files and the trusted issuers', () => {
      const config = parseConfig({
        SIGNING_ALGORITHM: 'ES256',
        SIGNING_PRIVATE_KEYS: 'a=/keys/a.pem,/keys/b.pem',
        TRUSTED_ISSUERS: JSON.stringify([auth0]),
        JWKS_TIMEOUT: '2s',
        JWKS_COOLDOWN: '1m',
      });
      expect(config.jwt).toMatchObject({
        algorithm: 'ES256',
        keys: null,
        privateKeyFiles: [
          { id: 'a', path: '/keys/a.pem' },
          { id: undefined, path: '/keys/b.pem' },
        ],
        trustedIssuers: [{ ...auth0, publicKeyFile: undefined }],
        jwks: { timeoutMs: 2000, cooldownSeconds: 60 },
      });
    });

    it.each([
      [{ TRUSTED_ISSUERS: 'not json' }, /^TRUSTED_ISSUERS: must be a JSON array/],
      [{ TRUSTED_ISSUERS: JSON.stringify([{ ...auth0, algorithms: ['HS256'] }]) }, /^TRUSTED_ISSUERS: /],
      [
        { TRUSTED_ISSUERS: JSON.stringify([{ ...auth0, publicKeyFile: '/k.pem' }]) },
        /exactly one of jwksUri, discoveryUrl and publicKeyFile/,
      ],
      [
        { TRUSTED_ISSUERS: JSON.stringify([{ ...auth0, jwksUri: 'file:///etc/passwd' }]) },
        /^TRUSTED_ISSUERS: /,
      ],
      [{ TRUSTED_ISSUERS: JSON.stringify([{ ...auth0, extra: 1 }]) }, /^TRUSTED_ISSUERS: /],
      [
        { TRUSTED_ISSUERS: JSON.stringify([{ ...auth0, issuer: 'graphql-jwt-api' }]) },
        /is this API's own JWT_ISSUER/,
      ],
      [{ TRUSTED_ISSUERS: JSON.stringify([auth0, auth0]) }, /listed twice/],
      [{ SIGNING_ALGORITHM: 'none' }, /^SIGNING_ALGORITHM: /],
      [
        { SIGNING_ALGORITHM: 'RS256', SIGNING_KEY: KEY, SIGNING_PRIVATE_KEY_FILE: '/k.pem' },
        /HS256 secrets, not used with RS256/,
      ],
    ])('refuses %j', (env, problem) => {
      expect(problems(env)).toEqual([expect.stringMatching(problem)]);
    });
  });

  describe('production hardening', () => {
    it('is closed by default in production: no introspection, no Sandbox token, no CORS origin', () => {
      const config = parseConfig({ NODE_ENV: 'production', SIGNING_KEY: KEY });
      expect(config.graphql).toMatchObject({ introspection: false, sandboxToken: false });
      expect(config.http.corsOrigins).toEqual([]);
    });

    it('never prefills a Sandbox token in production, even when asked', () => {
      const config = parseConfig({
        NODE_ENV: 'production',
        SIGNING_KEY: KEY,
        INTROSPECTION: 'true',
        SANDBOX_TOKEN: 'true',
      });
      expect(config.graphql).toMatchObject({ introspection: true, sandboxToken: false });
    });

    it('reads the limits', () => {
      const config = parseConfig({
        CORS_ORIGINS: 'https://app.example.com, https://admin.example.com',
        HTTP_BODY_LIMIT: '65536',
        HTTP_REQUEST_TIMEOUT: '20s',
        HTTP_HEADERS_TIMEOUT: '5s',
        GRAPHQL_MAX_DEPTH: '6',
        GRAPHQL_MAX_ALIASES: '4',
        GRAPHQL_MAX_DIRECTIVES: '3',
        GRAPHQL_MAX_TOKENS: '500',
        GRAPHQL_MAX_COST: '900',
        GRAPHQL_BATCH_LIMIT: '5',
        APQ_CACHE_BYTES: '0',
        APQ_TTL: '1h',
      });
      expect(config.http).toEqual({
        bodyLimitBytes: 65_536,
        requestTimeoutMs: 20_000,
        headersTimeoutMs: 5000,
        corsOrigins: ['https://app.example.com', 'https://admin.example.com'],
      });
      expect(config.graphql).toMatchObject({
        maxDepth: 6,
        maxAliases: 4,
        maxDirectives: 3,
        maxTokens: 500,
        maxCost: 900,
        batchLimit: 5,
        apqCacheBytes: 0,
        apqTtlSeconds: 3600,
      });
    });

    it.each([
      [{ INTROSPECTION: 'yes' }, /^INTROSPECTION: /],
      [{ GRAPHQL_MAX_DEPTH: '0' }, /^GRAPHQL_MAX_DEPTH: /],
      [{ GRAPHQL_BATCH_LIMIT: '1000' }, /^GRAPHQL_BATCH_LIMIT: /],
      [{ HTTP_HEADERS_TIMEOUT: '60s', HTTP_REQUEST_TIMEOUT: '30s' }, /^HTTP_HEADERS_TIMEOUT: /],
    ])('refuses %j', (env, problem) => {
      expect(problems(env)).toEqual([expect.stringMatching(problem)]);
    });
  });

  describe('database and accounts', () => {
    it('reads the database and account settings', () => {
      const config = parseConfig({
        DATABASE_URL: 'postgres://api@db.internal:5432/api',
        DB_QUERY_TIMEOUT: '3s',
        TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
        REFRESH_TOKEN_TTL: '7d',
        SESSION_MAX_AGE: '60d',
        REFRESH_REUSE_GRACE: '5s',
        REFRESH_REUSE_GRACE_ACROSS_CLIENTS: 'true',
        PASSWORD_SCRYPT_LOG2N: '16',
        LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '5',
        LOGIN_MAX_FAILURES_PER_IP: '100',
        LOGIN_SLOWDOWN_AFTER_FAILURES: '20',
        LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
        LOGIN_THROTTLE_WINDOW: '1h',
        REFRESH_TOKEN_RETENTION: '1d',
        REVOCATION_POLL_INTERVAL: '5s',
        AUDIT_RETENTION: '365d',
      });
      expect(config.database).toEqual({
        url: 'postgres://api@db.internal:5432/api',
        engine: 'postgres',
        queryTimeoutMs: 3000,
      });
      expect(config.server.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
      expect(config.accounts).toEqual({
        refreshTokenTtlSeconds: 7 * 86_400,
        sessionMaxAgeSeconds: 60 * 86_400,
        refreshReuseGraceSeconds: 5,
        refreshReuseGraceAcrossClients: true,
        passwordScryptLog2N: 16,
        loginMaxFailuresPerUsernameAndIp: 5,
        loginMaxFailuresPerIp: 100,
        loginSlowdownAfterFailures: 20,
        loginMaxAttemptsPerIp: 1000,
        loginThrottleWindowSeconds: 3600,
        refreshTokenRetentionSeconds: 86_400,
        revocationPollIntervalSeconds: 5,
        auditRetentionSeconds: 365 * 86_400,
      });
    });

    it.each([
      ['false', false],
      ['true', true],
      ['2', 2],
      ['10.0.0.0/8, 192.0.2.1', ['10.0.0.0/8', '192.0.2.1']],
    ])('reads TRUST_PROXY=%s', (value, expected) => {
      expect(parseConfig({ TRUST_PROXY: value }).server.trustProxy).toEqual(expected);
    });

    it.each([['loopback, 10.0.0.0/255.0.0.0, ::1, fd00::/8'], ['192.0.2.1/32']])(
      'accepts the address forms of TRUST_PROXY=%s',
      (value) => {
        expect(parseConfig({ TRUST_PROXY: value }).server.trustProxy).toEqual(
          value.split(',').map((v) => v.trim()),
        );
      },
    );

    it.each(['nonsense', '10.0.0.0/99', '10.0.0.1/8/8', '::1/129', '100'])(
      'refuses TRUST_PROXY=%s at parse time, not as a startup crash in fastify',
      (value) => {
        expect(problems({ TRUST_PROXY: value })).toEqual([
          expect.stringMatching(/^TRUST_PROXY: not an address/),
        ]);
      },
    );

    it('warns in production when TRUST_PROXY=true believes any client', () => {
      const config = parseConfig({ NODE_ENV: 'production', SIGNING_KEY: KEY, TRUST_PROXY: 'true' });
      expect(config.warnings).toEqual([expect.stringMatching(/^TRUST_PROXY=true believes the left-most/)]);
      expect(parseConfig({ NODE_ENV: 'production', SIGNING_KEY: KEY, TRUST_PROXY: '1' }).warnings).toEqual(
        [],
      );
    });

    it('puts the default SQLite file in DATA_DIR', () => {
      expect(parseConfig({ DATA_DIR: '/srv/api' }).database.url).toBe('sqlite:/srv/api/api.sqlite');
    });

    it('refuses an unknown database scheme without echoing the URL', () => {
      const found = problems({ DATABASE_URL: 'mysql://root:hunter2@db/api' });
      expect(found).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
      expect(found.join()).not.toContain('hunter2');
    });

    it.each([
      [
        { SESSION_MAX_AGE: '1d', REFRESH_TOKEN_TTL: '2d' },
        'SESSION_MAX_AGE: must be at least REFRESH_TOKEN_TTL',
      ],
      [{ REFRESH_TOKEN_TTL: '30s' }, 'REFRESH_TOKEN_TTL: must be at least a minute'],
      [
        { NODE_ENV: 'production', SIGNING_KEY: KEY, PASSWORD_SCRYPT_LOG2N: '12' },
        'PASSWORD_SCRYPT_LOG2N: at least 14 in production',
      ],
    ])('refuses %j', (env, problem) => {
      expect(problems(env)).toEqual([problem]);
    });
  });

  describe('lifetimes', () => {
    it('refuses an access-token lifetime longer than the maximum', () => {
      expect(problems({ JWT_TTL: '2h' })).toEqual(['JWT_TTL: 7200s is longer than JWT_MAX_TTL (3600s)']);
    });

    it('refuses a zero lifetime', () => {
      expect(problems({ JWT_TTL: '0' })).toEqual(['JWT_TTL: must be at least one second']);
    });
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['15m', 900],
    ['1h', 3600],
    ['30s', 30],
    [' 2d ', 172_800],
    ['0', 0],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'soon', '-5', '1.5.2', 'Infinity'])('refuses %j', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });
});

describe('the settings of this stage (explorer, trusted documents, discovery)', () => {
  const issuer = { issuer: 'https://idp.example/', audience: 'api', algorithms: ['RS256'] };
  it.each([
    [{ EXPLORER: 'playground' }, /EXPLORER: Invalid option/],
    [{ TRUSTED_DOCUMENTS: 'strict' }, /TRUSTED_DOCUMENTS: Invalid option/],
    [{ TRUSTED_DOCUMENTS_INTROSPECTION: 'yes' }, /TRUSTED_DOCUMENTS_INTROSPECTION/],
    [
      { NODE_ENV: 'production', SIGNING_KEY: 'k'.repeat(40), TRUSTED_DOCUMENTS: 'only' },
      /TRUSTED_DOCUMENTS=only: name the manifests in TRUSTED_DOCUMENTS_MANIFESTS/,
    ],
    [{ TRUSTED_ISSUERS: JSON.stringify([{ ...issuer, discoveryUrl: 'not a url' }]) }, /TRUSTED_ISSUERS/],
    [
      {
        TRUSTED_ISSUERS: JSON.stringify([
          { ...issuer, discoveryUrl: 'https://idp.example/x', jwksUri: 'https://idp.example/j' },
        ]),
      },
      /exactly one of jwksUri, discoveryUrl and publicKeyFile/,
    ],
  ])('refuses %j', (env, problem) => {
    expect(() => parseConfig(env)).toThrow(problem);
  });

  it('reads the manifests as a list, and trusted documents are off in production unless asked for', () => {
    const config = parseConfig({ TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_MANIFESTS: 'a.json, b.json' });
    expect(config.trustedDocuments).toMatchObject({
      mode: 'only',
      manifests: ['a.json', 'b.json'],
      manifestsNamed: true,
    });
    expect(parseConfig({ NODE_ENV: 'production', SIGNING_KEY: 'k'.repeat(40) }).trustedDocuments.mode).toBe(
      'off',
    );
  });
});
