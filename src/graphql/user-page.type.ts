import { Field, ObjectType } from 'type-graphql';
import { User } from './user.type';

@ObjectType({ simpleResolvers: true, description: 'Cursor pagination state.' })
export class PageInfo {
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'One page of users, ordered by username.' })
export class UserPage {
  @Field(() => [User])
  nodes!: User[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
