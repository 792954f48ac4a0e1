import { type AuditEvent, type AuditTrail } from '../../src/audit/audit-trail';

/**
 * The socket benchmark's trigger: on the message `audit` from the harness, an audit event stamped with the
 * time it was made goes to the trail's live listeners, as a committed one does. Subscribers measure how
 * long it took to reach them.
 */
export function deliverOnRequest(audit: AuditTrail): void {
  let sequence = 0;
  process.on('message', (message) => {
    if (message !== 'audit') return;
    sequence += 1;
    const event: AuditEvent = {
      id: `bench-${sequence}`,
      at: Date.now(),
      type: 'login.failed',
      username: 'bench',
      ip: '127.0.0.1',
      userAgent: undefined,
      details: {},
    };
    audit.deliver([event]);
  });
}
