import { type ApiModule } from '../../src/modules/api-module';
import { authenticated, owner, PUBLIC, requires } from '../../src/permissions/policy';
import { NoteRepository } from './note-repository';
import { NOTES_MIGRATIONS } from './notes.migrations';
import { NotesResolver } from './notes.resolver';
import { NotesService } from './notes-service';

/** A note's owner, or a caller granted `scope` (SCOPE_HIERARCHY can make notes:admin imply notes:read). */
const ownerOr = (scope: string) =>
  requires({ anyOf: [[scope]], owner: owner.resource('Note', 'id'), account: 'live' });

/**
 * The notes domain, registered as one module: its table, its fields, the policy of each, and the lookup
 * that tells the permission map who owns a note. docs/extending.md builds it step by step.
 */
export const notesModule: ApiModule = {
  name: 'notes',
  migrations: NOTES_MIGRATIONS,
  resolvers: [NotesResolver],
  permissions: {
    fields: {
      Query: {
        myNotes: authenticated({ account: 'live' }),
        recentNotes: authenticated({ account: 'live' }),
        note: ownerOr('notes:read'),
      },
      Mutation: {
        createNote: authenticated({ account: 'live' }),
        updateNote: ownerOr('notes:admin'),
        deleteNote: ownerOr('notes:admin'),
      },
      // Not open: the shared board (recentNotes) hands out everyone's notes, whose bodies are private.
      // Each field is named; the body's owner is read from the note itself.
      Note: {
        id: PUBLIC,
        ownerId: PUBLIC,
        title: PUBLIC,
        createdAt: PUBLIC,
        updatedAt: PUBLIC,
        body: requires({ anyOf: [['notes:read']], owner: owner.parent('ownerId') }),
      },
    },
    openTypes: [],
  },
  scopes: {
    'notes:read': "read anyone's notes (`note`)",
    'notes:admin': "change and delete anyone's notes",
  },
  create: ({ db, clock }) => {
    const repository = new NoteRepository(db);
    return {
      resolvers: [new NotesResolver(new NotesService(repository, clock))],
      owners: { Note: (id) => repository.ownerOf(id) },
    };
  },
};
