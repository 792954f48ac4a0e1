import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable } from 'kysely';
import { type DatabaseSchema } from '../../src/db/schema';

/** The module's table, as Kysely sees it (epoch milliseconds, UUID ids, as the API's own tables). */
export interface NotesTable {
  id: string;
  owner_id: string;
  title: string;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface NoteRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly title: string;
  readonly body: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const toRecord = (row: Selectable<NotesTable>): NoteRecord => ({
  id: row.id,
  ownerId: row.owner_id,
  title: row.title,
  body: row.body,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** The notes table, in domain terms: no rule lives here, only queries. */
export class NoteRepository {
  private readonly db: Kysely<DatabaseSchema & { notes: NotesTable }>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.db = db.withTables<{ notes: NotesTable }>();
  }

  async insert(note: { ownerId: string; title: string; body: string }, now: number): Promise<NoteRecord> {
    const row = {
      id: randomUUID(),
      owner_id: note.ownerId,
      title: note.title,
      body: note.body,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('notes').values(row).execute();
    return toRecord(row);
  }

  async find(id: string): Promise<NoteRecord | undefined> {
    const row = await this.db.selectFrom('notes').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Who owns note `id`: what the permission map's owner rule reads. */
  async ownerOf(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('notes').select('owner_id').where('id', '=', id).executeTakeFirst();
    return row?.owner_id;
  }

  async listByOwner(ownerId: string, limit: number): Promise<NoteRecord[]> {
    const rows = await this.db
      .selectFrom('notes')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async listRecent(limit: number): Promise<NoteRecord[]> {
    const rows = await this.db
      .selectFrom('notes')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async update(id: string, changes: { title?: string; body?: string }, now: number): Promise<void> {
    await this.db
      .updateTable('notes')
      .set({ ...changes, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('notes').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
