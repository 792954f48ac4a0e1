import { createLogger, logFormatFor, logRouteFailure } from '../../src/logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', {
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

describe('logger', () => {
  it('redacts credentials wherever request headers are logged', () => {
    const { logger, lines } = capture();
    logger.info({ headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sid=1' } }, 'probe');
    logger.info({ req: { headers: { authorization: 'Bearer abc.def.ghi' } } }, 'probe');
    expect(JSON.stringify(lines)).not.toMatch(/abc\.def\.ghi|sid=1/);
    expect(lines[0]).toMatchObject({ headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' } });
  });
});

describe('log format', () => {
  it('is readable only for a developer at a terminal: JSON through pipes and in production', () => {
    expect(logFormatFor('development', true)).toBe('pretty');
    expect(logFormatFor('development', false)).toBe('json');
    expect(logFormatFor('production', true)).toBe('json');
    expect(logFormatFor('test', true)).toBe('json');
  });

  it('formats pretty lines for a person, with credentials still redacted', () => {
    let written = '';
    const logger = createLogger('info', { write: (text) => (written += text) }, 'pretty');
    logger.info({ headers: { authorization: 'Bearer abc.def.ghi' } }, 'probe line');
    expect(written).toMatch(/INFO.*probe line/);
    expect(written).not.toMatch(/^\{/);
    expect(written).not.toContain('abc.def.ghi');
    expect(written).toContain('[REDACTED]');
  });
});

describe('logRouteFailure', () => {
  it("logs a client's mistake at info with fastify's code and message", () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    logRouteFailure(logger, 'r-1', error);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        reqId: 'r-1',
        statusCode: 413,
        error: { code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' },
        msg: 'request refused',
      }),
    ]);
  });

  it('logs anything without a client status as a 500 at error, without a stack', () => {
    const { logger, lines } = capture();
    logRouteFailure(logger, 'r-2', new Error('boom'));
    expect(lines[0]).toMatchObject({ level: 50, reqId: 'r-2', statusCode: 500, msg: 'request failed' });
    expect(JSON.stringify(lines)).not.toContain('at ');
  });
});
