import { accessMatrix, type AccessMatrix } from '../../src/permissions/access-matrix';
import { closeHierarchy, mergeEdges } from '../../src/scopes/hierarchy';
import { BUILT_IN_HIERARCHY } from '../../src/scopes/vocabulary';
import {
  type LiveCaller,
  liveMismatches,
  type MatrixRequest,
  provisionCallers,
} from '../../test/helpers/access-matrix';
import { describeEngines } from '../../test/helpers/databases';
import { foreignIssuer } from '../../test/helpers/foreign-issuer';
import { execute, startTestServerOn, type TestServer } from '../../test/helpers/server';
import { notesModule } from './notes.module';

/*
 * The worked example of docs/extending.md: a notes domain added to the API through the module interface
 * alone, on both engines. What it shows a team: the owner rule holds (and says nothing of ids that do not
 * exist), the scopes and SCOPE_HIERARCHY work for a new domain, the API publishes the new policies, and
 * the access-matrix helper drives every cell of the module's fields.
 */

const PASSWORD = 'notes example 0123';
const HIERARCHY = { 'notes:admin': ['notes:read'] };
const METRICS_TOKEN = 'notes-metrics-token-0123456789abcdefghij';
const NOTE = 'id title body ownerId';

describeEngines('the notes example module', (database) => {
  const foreign = foreignIssuer();
  let server: TestServer;
  let sequence = 0;

  const account = async (scopes: string[] = []) => {
    const username = `notes${(sequence += 1)}`;
    const user = await server.services.users.createUser({ username, password: PASSWORD, scopes }, {});
    const token = server.tokens.issue({ subject: user.id, username, scopes }).token;
    return { id: user.id, token };
  };
  const call = (token: string, query: string, variables: Record<string, unknown> = {}) =>
    execute<Record<string, { id: string } & Record<string, unknown>>, Record<string, unknown>>(
      server.app,
      query,
      variables,
      { token },
    );
  const create = async (token: string, title = 'groceries') =>
    (
      await call(
        token,
        `mutation($t: String!) { createNote(input: { title: $t, body: "milk" }) { ${NOTE} } }`,
        { t: title },
      )
    ).body.data!.createNote!;

  beforeAll(async () => {
    server = await startTestServerOn(database, {
      modules: [notesModule],
      env: { ...foreign.env, METRICS_TOKEN, SCOPE_HIERARCHY: JSON.stringify(HIERARCHY) },
    });
  });
  afterAll(() => server.close());

  it('lets the owner write, list, read, change and delete a note', async () => {
    const ada = await account();
    const note = await create(ada.token);
    expect(note).toMatchObject({ title: 'groceries', body: 'milk', ownerId: ada.id });
    expect((await call(ada.token, `{ myNotes { id } }`)).body.data).toEqual({ myNotes: [{ id: note.id }] });
    expect(
      (await call(ada.token, `query($id: ID!) { note(id: $id) { title } }`, { id: note.id })).body.data,
    ).toEqual({
      note: { title: 'groceries' },
    });
    const changed = await call(
      ada.token,
      `mutation($id: ID!) { updateNote(id: $id, changes: { title: "shopping" }) { title body } }`,
      { id: note.id },
    );
    expect(changed.body.data).toEqual({ updateNote: { title: 'shopping', body: 'milk' } });
    expect(
      (await call(ada.token, `mutation($id: ID!) { deleteNote(id: $id) }`, { id: note.id })).body.data,
    ).toEqual({ deleteNote: true });
  });

  it("refuses anyone else's note with 403 NOT_OWNER, and the same for an id that does not exist", async () => {
    const ada = await account();
    const eve = await account();
    const note = await create(ada.token);
    for (const id of [note.id, '00000000-0000-4000-8000-000000000000', 'not-even-a-uuid']) {
      for (const query of [
        'query($id: ID!) { note(id: $id) { body } }',
        'mutation($id: ID!) { updateNote(id: $id, changes: { body: "mine now" }) { id } }',
        'mutation($id: ID!) { deleteNote(id: $id) }',
      ]) {
        const response = await call(eve.token, query, { id });
        expect([response.status, response.body.errors?.[0]?.extensions]).toEqual([
          403,
          {
            code: 'FORBIDDEN',
            reason: 'NOT_OWNER',
            requiredScopes: expect.any(Array),
            missingScopes: expect.any(Array),
          },
        ]);
        expect(response.raw).not.toContain('milk');
      }
    }
    expect((await call(eve.token, '{ myNotes { id } }')).body.data).toEqual({ myNotes: [] });
  });

  it('gives notes:read every note to read and nothing to change; notes:admin (which implies notes:read) both', async () => {
    const ada = await account();
    const reader = await account(['notes:read']);
    const moderator = await account(['notes:admin']);
    const note = await create(ada.token);
    const read = (token: string) =>
      call(token, 'query($id: ID!) { note(id: $id) { body } }', { id: note.id });
    expect((await read(reader.token)).body.data).toEqual({ note: { body: 'milk' } });
    expect((await read(moderator.token)).body.data).toEqual({ note: { body: 'milk' } });
    const change = (token: string) =>
      call(token, 'mutation($id: ID!) { updateNote(id: $id, changes: { body: "oat milk" }) { body } }', {
        id: note.id,
      });
    expect((await change(reader.token)).body.errors?.[0]?.extensions).toMatchObject({
      reason: 'NOT_OWNER',
      requiredScopes: ['notes:admin'],
      missingScopes: ['notes:admin'],
    });
    expect((await change(moderator.token)).body.data).toEqual({ updateNote: { body: 'oat milk' } });
    const missing = await call(
      moderator.token,
      'mutation { updateNote(id: "00000000-0000-4000-8000-000000000000", changes: {}) { id } }',
    );
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("shows everyone's titles on the shared board, and each body only to its owner or notes:read (an object-field owner rule)", async () => {
    const ada = await account();
    const eve = await account();
    const reader = await account(['notes:read']);
    const mine = await create(ada.token, 'ada’s list');
    const theirs = await create(eve.token, 'eve’s list');
    const board = async (token: string) => {
      const response = await call(token, '{ recentNotes(first: 100) { id title body } }');
      const notes = response.body.data!.recentNotes as unknown as Array<{
        id: string;
        title: string;
        body: string | null;
      }>;
      return { response, notes, byId: new Map(notes.map((note, index) => [note.id, { note, index }])) };
    };
    const seen = await board(ada.token);
    expect(seen.response.status).toBe(200);
    expect(seen.byId.get(mine.id)?.note).toEqual({ id: mine.id, title: 'ada’s list', body: 'milk' });
    expect(seen.byId.get(theirs.id)?.note).toEqual({ id: theirs.id, title: 'eve’s list', body: null });
    expect(seen.response.body.errors).toContainEqual(
      expect.objectContaining({
        path: ['recentNotes', seen.byId.get(theirs.id)!.index, 'body'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN', reason: 'NOT_OWNER' }),
      }),
    );
    const moderated = await board(reader.token);
    expect(moderated.byId.get(theirs.id)?.note.body).toBe('milk');
    expect(moderated.byId.get(mine.id)?.note.body).toBe('milk');
  });

  it('refuses text the database cannot store with 400 BAD_USER_INPUT, on PostgreSQL as on SQLite', async () => {
    const ada = await account();
    for (const title of ['nul\u0000byte', 'lone\ud800surrogate']) {
      const response = await call(
        ada.token,
        'mutation($t: String!) { createNote(input: { title: $t }) { id } }',
        { t: title },
      );
      expect([response.status, response.body.errors?.[0]?.extensions?.code]).toEqual([400, 'BAD_USER_INPUT']);
    }
    expect(server.logs.join('\n')).not.toContain('SERVICE_UNAVAILABLE');
  });

  it('is published as enforced: permissions, with the owner alternative and the hierarchy expanded', async () => {
    const response = await execute(
      server.app,
      '{ permissions { operation anyOfScopes owner { resource argument } account } }',
    );
    const published = (response.body.data as { permissions: Array<Record<string, unknown>> }).permissions;
    expect(published.find((entry) => entry.operation === 'note')).toEqual({
      operation: 'note',
      anyOfScopes: [['notes:admin'], ['notes:read']],
      owner: { resource: 'Note', argument: 'id' },
      account: 'LIVE',
    });
    expect(published.find((entry) => entry.operation === 'createNote')).toMatchObject({
      anyOfScopes: [[]],
      owner: null,
    });
  });

  describe('the access matrix of its fields, driven cell by cell', () => {
    let matrix: AccessMatrix;
    const notes = new Map<string, string>();
    let others = '';
    let wsUrl = '';

    beforeAll(async () => {
      wsUrl = `${(await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws')}/graphql`;
      const { api } = server.services;
      const closure = closeHierarchy(mergeEdges(BUILT_IN_HIERARCHY, HIERARCHY));
      const full = await accessMatrix(api.permissions, Object.keys(api.scopes), closure);
      const fields = new Set(
        Object.values(notesModule.permissions.fields).flatMap((byField) => Object.keys(byField)),
      );
      matrix = { ...full, rows: full.rows.filter((row) => fields.has(row.field)) };
      others = (await create((await account()).token, 'someone else’s')).id;
    });

    it('matches the live server for every caller, including the owner and anyone else', async () => {
      const callers = await provisionCallers(server, matrix.columns, foreign);
      // Each caller with an active account of this API owns a note of its own, written through the API.
      for (const caller of callers) {
        const { caller: who } = caller.column;
        if (who.kind === 'token' && who.issuer === 'local' && who.account === 'active') {
          notes.set(caller.subject, (await create(caller.authorization!.slice('Bearer '.length))).id);
        }
      }
      const target = (caller: LiveCaller, whose: 'own' | 'other') => ({
        id: whose === 'own' ? (notes.get(caller.subject) ?? 'no-note-of-its-own') : others,
      });
      const requests: Record<string, MatrixRequest> = {
        'Query.myNotes': { query: '{ probe: myNotes { id } }' },
        'Query.recentNotes': { query: '{ probe: recentNotes(first: 1) { id } }' },
        'Query.note': { query: 'query($id: ID!) { probe: note(id: $id) { id } }', variables: target },
        'Mutation.createNote': {
          query: 'mutation { probe: createNote(input: { title: "from the matrix" }) { id } }',
        },
        'Mutation.updateNote': {
          query: 'mutation($id: ID!) { probe: updateNote(id: $id, changes: {}) { id } }',
          variables: target,
        },
        'Mutation.deleteNote': {
          query: 'mutation($id: ID!) { probe: deleteNote(id: $id) }',
          variables: target,
          last: 1,
        },
      };
      const mismatches = await liveMismatches({
        server,
        wsUrl,
        metricsToken: METRICS_TOKEN,
        matrix,
        callers,
        requests,
      });
      expect(mismatches).toEqual([]);
    }, 60_000);
  });
});
