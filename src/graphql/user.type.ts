import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { type User as UserRecord } from '../accounts/user-repository';

@ObjectType({ description: 'A user account. The password hash never leaves the database layer.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => [String], {
    description: 'Scopes granted to the user; access tokens carry them from the next login or refresh.',
  })
  scopes!: string[];

  @Field(() => Boolean)
  disabled!: boolean;

  @Field(() => DateTimeISOResolver)
  createdAt!: Date;

  @Field(() => DateTimeISOResolver)
  updatedAt!: Date;

  static fromRecord(record: UserRecord): User {
    return Object.assign(new User(), {
      id: record.id,
      username: record.username,
      scopes: [...record.scopes],
      disabled: record.disabledAt !== null,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    });
  }
}
