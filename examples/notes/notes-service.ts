import { guarded } from '../../src/db/errors';
import { InputError, NotFoundError } from '../../src/errors';
import { type NoteRecord, type NoteRepository } from './note-repository';

export const MAX_TITLE_LENGTH = 200;
export const MAX_BODY_LENGTH = 10_000;
export const MAX_NOTES_PAGE = 100;

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_TITLE_LENGTH) {
    throw new InputError(`title must be 1-${MAX_TITLE_LENGTH} characters`, 'title', 'length');
  }
  return trimmed;
}

function checkBody(body: string): string {
  if (body.length > MAX_BODY_LENGTH) {
    throw new InputError(`body must be at most ${MAX_BODY_LENGTH} characters`, 'body', 'length');
  }
  return body;
}

/**
 * The notes domain's rules. Who may call each operation is the permission map's business (notes.module.ts):
 * the service takes the owner it is given and checks only the input. Every query goes through `guarded`,
 * so a database outage is SERVICE_UNAVAILABLE, never a driver's message.
 */
export class NotesService {
  constructor(
    private readonly notes: NoteRepository,
    private readonly clock: () => number,
  ) {}

  create(ownerId: string, input: { title: string; body: string }): Promise<NoteRecord> {
    const note = { ownerId, title: checkTitle(input.title), body: checkBody(input.body) };
    return guarded(() => this.notes.insert(note, this.clock()));
  }

  /** @returns the note, or undefined when there is none with this id */
  get(id: string): Promise<NoteRecord | undefined> {
    return guarded(() => this.notes.find(id));
  }

  listByOwner(ownerId: string, first: number): Promise<NoteRecord[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_NOTES_PAGE) {
      throw new InputError(`first must be 1-${MAX_NOTES_PAGE}`, 'first', 'range');
    }
    return guarded(() => this.notes.listByOwner(ownerId, first));
  }

  /** Everyone's newest notes, for the shared board (whose bodies only their owners may read). */
  listRecent(first: number): Promise<NoteRecord[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_NOTES_PAGE) {
      throw new InputError(`first must be 1-${MAX_NOTES_PAGE}`, 'first', 'range');
    }
    return guarded(() => this.notes.listRecent(first));
  }

  /** @throws NotFoundError when the note is gone (a caller with notes:admin may name any id) */
  async update(id: string, changes: { title?: string | null; body?: string | null }): Promise<NoteRecord> {
    const checked = {
      ...(changes.title != null && { title: checkTitle(changes.title) }),
      ...(changes.body != null && { body: checkBody(changes.body) }),
    };
    await guarded(() => this.notes.update(id, checked, this.clock()));
    const note = await this.get(id);
    if (!note) throw new NotFoundError('No note has this id.');
    return note;
  }

  async delete(id: string): Promise<boolean> {
    return guarded(() => this.notes.delete(id));
  }
}
