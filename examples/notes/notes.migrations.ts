import { type Kysely, type Migration } from 'kysely';

/** The notes table. Named `notes_<number>_<what>`: the API's migrations run with a module's, in name order. */
export const NOTES_MIGRATIONS: Readonly<Record<string, Migration>> = {
  notes_0001_create_notes: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('notes')
        .addColumn('id', 'text', (column) => column.primaryKey())
        // A note dies with its owner's account.
        .addColumn('owner_id', 'text', (column) =>
          column.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('body', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('notes_owner').on('notes').columns(['owner_id', 'created_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('notes').execute();
    },
  },
};
