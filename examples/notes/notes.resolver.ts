import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { MutationField } from '../../src/graphql/mutation-field';
import { type RequestContext, requireLocalIdentity } from '../../src/request-context';
import { MAX_NOTES_PAGE, type NotesService } from './notes-service';
import { NewNoteInput, Note, NoteChangesInput } from './note.type';

/**
 * The notes fields. No resolver checks who may call it: each field's policy in notes.module.ts does, on
 * HTTP and WebSocket alike, and the resolver only does the work.
 */
@Resolver()
export class NotesResolver {
  constructor(private readonly notes: NotesService) {}

  @Query(() => [Note], { description: `Your notes, newest first (at most ${MAX_NOTES_PAGE}).` })
  async myNotes(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() context: RequestContext,
  ): Promise<Note[]> {
    const owner = requireLocalIdentity(context).subject;
    return (await this.notes.listByOwner(owner, first)).map((note) => Note.fromRecord(note));
  }

  @Query(() => [Note], {
    description: `Everyone's newest notes (at most ${MAX_NOTES_PAGE}): titles for all, each body for its owner.`,
  })
  async recentNotes(@Arg('first', () => Int, { defaultValue: 20 }) first: number): Promise<Note[]> {
    return (await this.notes.listRecent(first)).map((note) => Note.fromRecord(note));
  }

  @Query(() => Note, { nullable: true, description: 'One note: yours, or anyone’s with notes:read.' })
  async note(@Arg('id', () => ID) id: string): Promise<Note | null> {
    const note = await this.notes.get(id);
    return note ? Note.fromRecord(note) : null;
  }

  @MutationField(() => Note, { description: 'Writes a new note of your own.' })
  async createNote(
    @Arg('input', () => NewNoteInput) input: NewNoteInput,
    @Ctx() context: RequestContext,
  ): Promise<Note> {
    return Note.fromRecord(await this.notes.create(requireLocalIdentity(context).subject, input));
  }

  @MutationField(() => Note, {
    description: 'Changes a note: yours, or anyone’s with notes:admin.',
  })
  async updateNote(
    @Arg('id', () => ID) id: string,
    @Arg('changes', () => NoteChangesInput) changes: NoteChangesInput,
  ): Promise<Note> {
    return Note.fromRecord(await this.notes.update(id, changes));
  }

  @MutationField(() => Boolean, {
    description: 'Deletes a note: yours, or anyone’s with notes:admin.',
  })
  async deleteNote(@Arg('id', () => ID) id: string): Promise<boolean> {
    return this.notes.delete(id);
  }
}
