import 'reflect-metadata';
import { AuditTrail } from '../../src/audit/audit-trail';
import { announce } from '../fixtures';
import { seededApi } from '../seed';

/** The trail's writes left out, and nothing else: what logins and refreshes cost without them. */
class UnrecordedAudit extends AuditTrail {
  override async record(): Promise<void> {}
}

/** (1a) (1) without the audit trail, for the login and refresh comparison only. */
async function main(): Promise<void> {
  const { app } = await seededApi({ audit: new UnrecordedAudit() });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

void main();
