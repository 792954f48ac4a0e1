import { type AuditEvent, type AuditTrail } from '../audit/audit-trail';

/**
 * Committed audit events that `accept` lets through, as the async iterator a GraphQL subscription returns.
 * At most `capacity` wait to be taken: for a subscriber that falls further behind, `onOverflow` is called
 * (its socket is closed, 1013) and the stream ends, rather than a queue that grows without end. Ending is
 * no error: a client that stops reading is the client's doing, and its close code says what happened. Sending waits for
 * the socket to take each message, so a client that stops reading shows up here first. Ending the
 * iteration stops listening.
 */
export function auditEventStream(
  audit: AuditTrail,
  accept: (event: AuditEvent) => boolean,
  capacity: number,
  onOverflow: () => void = () => undefined,
): AsyncIterableIterator<AuditEvent> {
  const queue: AuditEvent[] = [];
  let waiting: ((result: IteratorResult<AuditEvent>) => void) | undefined;
  let state: 'open' | 'overflowed' | 'done' = 'open';

  const stop = audit.listen((event) => {
    if (state !== 'open' || !accept(event)) return;
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: event, done: false });
    } else if (queue.length < capacity) {
      queue.push(event);
    } else {
      state = 'overflowed';
      stop();
      queue.length = 0;
      onOverflow();
    }
  });

  const finish = (): Promise<IteratorResult<AuditEvent>> => {
    state = 'done';
    stop();
    queue.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
    return Promise.resolve({ value: undefined, done: true });
  };

  return {
    next() {
      const event = queue.shift();
      if (event) return Promise.resolve({ value: event, done: false });
      if (state !== 'open') return Promise.resolve({ value: undefined, done: true });
      // Events are handed straight to a waiting taker, so the queue only fills while nobody waits.
      return new Promise((resolve) => (waiting = resolve));
    },
    return: finish,
    throw(error: unknown) {
      void finish();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
