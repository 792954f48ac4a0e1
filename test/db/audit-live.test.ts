import { type AuditEvent } from '../../src/audit/audit-trail';
import { loadRuntime, type Services, startServices } from '../../src/bootstrap';
import { createLogger } from '../../src/logger';
import { TEST_ENV } from '../fixtures/keys';
import { describeEngines } from '../helpers/databases';

const PASSWORD = 'correct horse battery';

/** Waits until `events` holds `count` entries, or `ms` has passed. */
async function until(events: AuditEvent[], count: number, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (events.length < count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
}

// Subscriptions stream audit events live: each reaches the listeners once its transaction has committed,
// through PostgreSQL's notifications on that engine, and never when it rolls back.
describeEngines('live audit events', (database) => {
  let services: Services;
  let drop: () => Promise<void>;
  const heard: AuditEvent[] = [];

  beforeAll(async () => {
    const created = await database.create();
    drop = created.drop;
    services = await startServices(
      loadRuntime({ ...TEST_ENV, DATABASE_URL: created.url }),
      createLogger('silent'),
    );
    services.audit.listen((event) => heard.push(event));
  });
  afterAll(async () => {
    await services.close();
    await drop();
  });

  it('delivers a committed event once, with what the table holds', async () => {
    const user = await services.users.createUser({ username: 'live', password: PASSWORD, scopes: [] }, {});
    await until(heard, 1);
    expect(heard).toHaveLength(1);
    const [stored] = (await services.auditLog.page({ userId: user.id }, 10)).events;
    expect(heard[0]).toEqual(stored);
  });

  it('delivers nothing of a transaction that rolls back', async () => {
    heard.length = 0;
    await expect(
      services.audit.transaction(services.database.db, async (trx) => {
        await services.audit.record(trx, { type: 'user.enabled', userId: 'nobody' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await services.users.createUser({ username: 'after', password: PASSWORD, scopes: [] }, {});
    await until(heard, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard.map((event) => event.type)).toEqual(['user.created']);
  });
});
