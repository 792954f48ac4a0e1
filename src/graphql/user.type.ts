import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { type UserAccount } from '../accounts/user-repository';

@ObjectType({
  simpleResolvers: true,
  description: 'A user account. The password hash never leaves the database layer.',
})
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

  static fromAccount(account: UserAccount): User {
    return Object.assign(new User(), {
      id: account.id,
      username: account.username,
      scopes: [...account.scopes],
      disabled: account.disabledAt !== null,
      createdAt: account.createdAt,
      updatedAt: account.updatedAt,
    });
  }
}
