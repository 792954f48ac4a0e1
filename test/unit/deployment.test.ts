import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfig, parseDurationSeconds } from '../../src/config';

// The container recipe cannot be built or run on this project's machines (no base images): these checks
// read it instead, so that what it says stays what the application accepts.
const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Service {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
const apis = Object.entries(compose.services).filter(([, service]) => service.build === '.');

describe('compose.yaml', () => {
  it('runs two API instances from the Dockerfile on one PostgreSQL', () => {
    expect(apis.map(([name]) => name)).toEqual(['api-1', 'api-2']);
    expect(compose.services.postgres?.image).toMatch(/^postgres:15/);
    for (const [, api] of apis) {
      expect(api.environment).toEqual(apis[0]![1].environment);
      expect(new URL(api.environment!.DATABASE_URL!).hostname).toBe('postgres');
      expect(api.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    }
    expect(new Set(apis.flatMap(([, api]) => api.ports)).size).toBe(2);
  });

  it('gives each instance a configuration the API accepts in production', () => {
    const environment = { ...apis[0]![1].environment!, SIGNING_KEY: 'k'.repeat(48) };
    expect(environment.SIGNING_KEY).toBeDefined();
    const config = parseConfig(environment);
    expect(config.env).toBe('production');
    expect(config.database.engine).toBe('postgres');
    expect(config.observability.metrics.port).toBe(9464);
    // The key comes from the operator's environment, never from the file.
    expect(apis[0]![1].environment!.SIGNING_KEY).toMatch(/^\$\{SIGNING_KEY:\?/);
  });

  it('publishes the API ports only (metrics stay inside the network) and lets a stop drain', () => {
    for (const [, api] of apis) {
      expect(api.ports!.every((mapping) => mapping.endsWith(':4000'))).toBe(true);
      const config = parseConfig({ ...api.environment!, SIGNING_KEY: 'k'.repeat(48) });
      const drain = (config.server.shutdownDelayMs + config.server.shutdownTimeoutMs) / 1000;
      expect(parseDurationSeconds(api.stop_grace_period!)).toBeGreaterThan(drain);
    }
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));

  it('keeps secrets, local state and installed modules out of the build context', () => {
    expect(ignored).toEqual(expect.arrayContaining(['.env', '.data', 'node_modules', 'dist', '.git']));
  });

  it('keeps everything the Dockerfile copies', () => {
    const copied = [...read('Dockerfile').matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      m[1]!.split(' '),
    );
    expect([...new Set(copied)].sort()).toEqual([
      'package-lock.json',
      'package.json',
      'src',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
    for (const path of copied) expect(ignored).not.toContain(path);
  });
});
