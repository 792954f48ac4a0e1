import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { type NoteRecord } from './note-repository';

@ObjectType({ simpleResolvers: true, description: 'A note, kept by one account.' })
export class Note {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The account that owns the note.' })
  ownerId!: string;

  @Field(() => String)
  title!: string;

  // Nullable: a caller who may not read it gets null and an error at its path, and the rest of the note;
  // non-null, the refusal would null the whole note, or the whole list it is in.
  @Field(() => String, { nullable: true, description: 'Its owner’s, and readable with notes:read.' })
  body!: string;

  @Field(() => DateTimeISOResolver)
  createdAt!: Date;

  @Field(() => DateTimeISOResolver)
  updatedAt!: Date;

  static fromRecord(record: NoteRecord): Note {
    return Object.assign(new Note(), record);
  }
}

@InputType({ description: 'A new note.' })
export class NewNoteInput {
  @Field(() => String, { description: '1-200 characters.' })
  title!: string;

  @Field(() => String, { defaultValue: '', description: 'At most 10 000 characters.' })
  body!: string;
}

@InputType({ description: 'What to change in a note; a field left out is kept.' })
export class NoteChangesInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  body?: string | null;
}
