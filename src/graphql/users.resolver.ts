import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { MutationField } from './mutation-field';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type UserAdminService } from '../accounts/user-admin-service';
import { type LiveActors } from '../permissions/access-facts';
import { type RequestContext } from '../request-context';
import { CreateUserInput } from './create-user.input';
import { UserPage } from './user-page.type';
import { User } from './user.type';

@Resolver()
export class UsersResolver {
  constructor(
    private readonly admin: UserAdminService,
    private readonly actors: LiveActors,
  ) {}

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

  @Query(() => User, {
    nullable: true,
    description:
      "One account: your own, or (with users:read) anyone's; null when no account has this id. Anyone else is refused (FORBIDDEN, NOT_OWNER) whatever the id, so the answer never tells whether it exists.",
  })
  async user(@Arg('id', () => ID) id: string): Promise<User | null> {
    const account = await this.admin.current(id);
    return account ? User.fromAccount(account) : null;
  }

  @MutationField(() => User, { description: 'Creates a user. Only scopes the caller holds can be granted.' })
  async createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @Ctx() context: RequestContext,
  ): Promise<User> {
    return User.fromAccount(await this.admin.createUser(input, await this.actors.liveActor(context)));
  }

  @MutationField(() => User, {
    description: "Replaces a user's scopes. Every scope added or removed must be one the caller holds.",
  })
  async setUserScopes(
    @Arg('userId', () => ID) userId: string,
    @Arg('scopes', () => [String]) scopes: string[],
    @Ctx() context: RequestContext,
  ): Promise<User> {
    const actor = await this.actors.liveActor(context);
    return User.fromAccount(await this.admin.setUserScopes(userId, scopes, actor));
  }

  @MutationField(() => User, {
    description:
      'Disables a user and ends all their sessions. Not yourself, nor anyone holding a scope you lack.',
  })
  async disableUser(@Arg('userId', () => ID) userId: string, @Ctx() context: RequestContext): Promise<User> {
    return this.setDisabled(userId, true, context);
  }

  @MutationField(() => User, {
    description: 'Lets a disabled user log in again. Not yourself, nor anyone holding a scope you lack.',
  })
  async enableUser(@Arg('userId', () => ID) userId: string, @Ctx() context: RequestContext): Promise<User> {
    return this.setDisabled(userId, false, context);
  }

  private async setDisabled(userId: string, disabled: boolean, context: RequestContext): Promise<User> {
    const actor = await this.actors.liveActor(context);
    return User.fromAccount(await this.admin.setDisabled(userId, disabled, actor));
  }
}
