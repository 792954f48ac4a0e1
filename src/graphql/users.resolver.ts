import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type UserAdminService } from '../accounts/user-admin-service';
import { type RequestContext, requireIdentity } from '../request-context';
import { CreateUserInput } from './create-user.input';
import { UserPage } from './user-page.type';
import { User } from './user.type';

function actor(context: RequestContext) {
  const identity = requireIdentity(context);
  return { userId: identity.subject, grantableScopes: identity.scopes };
}

@Resolver()
export class UsersResolver {
  constructor(private readonly admin: UserAdminService) {}

  @Query(() => UserPage, {
    description: `Users ordered by username, a page at a time (at most ${MAX_PAGE_SIZE}).`,
  })
  async users(
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<UserPage> {
    const page = await this.admin.listUsers(first, after ?? undefined);
    return Object.assign(new UserPage(), {
      nodes: page.users.map((user) => User.fromAccount(user)),
      pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
    });
  }

  @Mutation(() => User, { description: 'Creates a user. Only scopes the caller holds can be granted.' })
  async createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @Ctx() context: RequestContext,
  ): Promise<User> {
    return User.fromAccount(await this.admin.createUser(input, actor(context)));
  }

  @Mutation(() => User, {
    description: "Replaces a user's scopes. Every scope added or removed must be one the caller holds.",
  })
  async setUserScopes(
    @Arg('userId', () => ID) userId: string,
    @Arg('scopes', () => [String]) scopes: string[],
    @Ctx() context: RequestContext,
  ): Promise<User> {
    return User.fromAccount(await this.admin.setUserScopes(userId, scopes, actor(context)));
  }

  @Mutation(() => User, { description: 'Disables a user and ends all their sessions.' })
  async disableUser(@Arg('userId', () => ID) userId: string, @Ctx() context: RequestContext): Promise<User> {
    return User.fromAccount(await this.admin.setDisabled(userId, true, actor(context)));
  }

  @Mutation(() => User, { description: 'Lets a disabled user log in again.' })
  async enableUser(@Arg('userId', () => ID) userId: string, @Ctx() context: RequestContext): Promise<User> {
    return User.fromAccount(await this.admin.setDisabled(userId, false, actor(context)));
  }
}
