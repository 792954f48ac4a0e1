import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { SwitchedContextManager } from '../../src/observability/switched-context-manager';

const KEY = createContextKey('request');
const REQUEST = ROOT_CONTEXT.setValue(KEY, 'the request');

/** What the context is in a callback `fn` schedules for after it has returned (as an export's request is). */
function later(manager: SwitchedContextManager): Promise<unknown> {
  return manager.with(
    REQUEST,
    () => new Promise((resolve) => setImmediate(() => resolve(manager.active().getValue(KEY)))),
  );
}

describe('SwitchedContextManager', () => {
  let manager: SwitchedContextManager;
  beforeEach(() => (manager = new SwitchedContextManager()));
  afterEach(() => manager.disable());

  it('gives the context to the callback while it runs', () => {
    expect(manager.with(REQUEST, () => manager.active().getValue(KEY))).toBe('the request');
    expect(manager.with(REQUEST, (a: number, b: number) => a + b, undefined, 1, 2)).toBe(3);
  });

  it('is off again once a context.with returns with no request holding it (an export, resource detection)', async () => {
    expect(await later(manager)).toBeUndefined();
    // and also when the callback throws
    expect(() =>
      manager.with(REQUEST, () => {
        throw new Error('export failed');
      }),
    ).toThrow('export failed');
    expect(await later(manager)).toBeUndefined();
  });

  it('carries the context through asynchronous work while a request holds it, and not after the last lets go', async () => {
    manager.hold();
    manager.hold();
    expect(await later(manager)).toBe('the request');
    manager.release();
    expect(await later(manager)).toBe('the request');
    // An export while a request holds the context leaves it on for that request.
    manager.with(ROOT_CONTEXT, () => undefined);
    expect(await later(manager)).toBe('the request');
    const pending = later(manager);
    manager.release();
    expect(await pending).toBeUndefined();
    expect(await later(manager)).toBeUndefined();
  });
});
