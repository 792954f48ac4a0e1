import { type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/**
 * OpenTelemetry's async context (on Node 20, AsyncLocalStorage, whose promise hooks every promise of the
 * process pays while they are on), switched on only while a request that needs it is in flight.
 *
 * AsyncLocalStorage switches itself on at the first `run` and stays on until told otherwise. The requests
 * that need it say so (`hold`, then `release` when they end); every other `context.with` — the SDK's
 * around each batch it exports, around resource detection at start — leaves it off again when it returns
 * and no request holds it. Before, an export left it on until the next recorded request ended: at a 1%
 * ratio the hundred requests or so after each export paid the hooks. The gain is below what our
 * instruction counts resolve (docs/performance.md, tracing's fourth step).
 */
export class SwitchedContextManager extends AsyncLocalStorageContextManager {
  private holders = 0;

  /** A request whose work needs the context has started. */
  hold(): void {
    this.holders += 1;
  }

  /** A request that held the context has ended: the last one switches it off. */
  release(): void {
    this.holders -= 1;
    if (this.holders === 0) this.disable();
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    try {
      return super.with(context, fn, thisArg, ...args);
    } finally {
      // What the callback started asynchronously (an export's HTTP request) reads no context afterwards:
      // this API installs no instrumentation that would.
      if (this.holders === 0) this.disable();
    }
  }
}
