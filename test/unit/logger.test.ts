import { createLogger, LazyChildLogger } from '../../src/logger';

function capture(level: 'warn' | 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger(level, {
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const child = jest.spyOn(logger, 'child');
  return { logger, lines, child };
}

describe('LazyChildLogger (fastify request loggers)', () => {
  it('makes no pino child for a request that logs nothing at an enabled level', () => {
    const { logger, lines, child } = capture('warn');
    const requestLog = new LazyChildLogger(logger, { reqId: 'r-1' }, {});
    requestLog.info('incoming request');
    requestLog.debug('detail');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(requestLog.level).toBe('warn');
  });

  it('binds the request id once the request logs, making one child however often it logs', () => {
    const { logger, lines, child } = capture('info');
    const requestLog = new LazyChildLogger(logger, { reqId: 'r-2' }, {});
    requestLog.info({ auth: { reason: 'TOKEN_EXPIRED' } }, 'credential refused');
    requestLog.warn('not ready');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map(({ reqId, msg, level }) => ({ reqId, msg, level }))).toEqual([
      { reqId: 'r-2', msg: 'credential refused', level: 30 },
      { reqId: 'r-2', msg: 'not ready', level: 40 },
    ]);
  });

  it('keeps the redaction of credentials in what the request logs', () => {
    const { logger, lines } = capture('info');
    const requestLog = new LazyChildLogger(logger, { reqId: 'r-3' }, {});
    requestLog.info({ req: { headers: { authorization: 'Bearer secret.token.text' } } }, 'incoming request');
    expect(JSON.stringify(lines)).not.toContain('secret.token.text');
    expect((lines[0]!.req as { headers: Record<string, string> }).headers.authorization).toBe('[REDACTED]');
  });

  it('gives grandchildren the request id too', () => {
    const { logger, lines } = capture('info');
    new LazyChildLogger(logger, { reqId: 'r-4' }, {}).child({ plugin: 'x' }).info('hello');
    expect(lines[0]).toMatchObject({ reqId: 'r-4', plugin: 'x', msg: 'hello' });
  });
});
