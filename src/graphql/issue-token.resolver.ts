import { Arg, Ctx, ID, Resolver } from 'type-graphql';
import { MutationField } from './mutation-field';
import { type TokenMinting } from '../accounts/token-minting';
import { type UserAdminService } from '../accounts/user-admin-service';
import { InputError } from '../errors';
import { type LiveActors } from '../permissions/access-facts';
import { type RequestContext } from '../request-context';
import { IssuedToken } from './issued-token.type';
import { IssueTokenInput } from './issue-token.input';

/** The token service's names for the fields of {@link IssueTokenInput} that differ from the schema's. */
const SCHEMA_FIELD: Readonly<Record<string, string>> = { ttlSeconds: 'expiresIn' };

/** The same refusal, naming the field as the client sent it. */
function inSchemaTerms(error: InputError): InputError {
  const field = error.field && SCHEMA_FIELD[error.field];
  return field ? new InputError(error.message, field, error.rule) : error;
}

@Resolver()
export class IssueTokenResolver {
  constructor(
    private readonly minting: TokenMinting,
    private readonly admin: UserAdminService,
    private readonly actors: LiveActors,
  ) {}

  @MutationField(() => IssuedToken, {
    description:
      "Mints a short-lived token for a service or user, naming the caller as its minter (`act`). Only scopes the caller's account holds now can be granted, and a user subject gets none it lacks.",
  })
  async issueToken(
    @Arg('input', () => IssueTokenInput) input: IssueTokenInput,
    @Ctx() context: RequestContext,
  ): Promise<IssuedToken> {
    const actor = await this.actors.liveActor(context);
    const request = {
      subject: input.subject,
      username: input.username,
      scopes: input.scopes,
      ...(input.expiresIn == null ? {} : { ttlSeconds: input.expiresIn }),
    };
    let issued;
    try {
      issued = await this.minting.mint(actor, request);
    } catch (error) {
      throw error instanceof InputError ? inSchemaTerms(error) : error;
    }
    return Object.assign(new IssuedToken(), {
      accessToken: issued.token,
      tokenType: 'Bearer',
      expiresAt: issued.expiresAt,
      scopes: [...issued.scopes],
      tokenId: issued.tokenId,
    });
  }

  @MutationField(() => Boolean, {
    description:
      'Revokes one minted token by its id (`IssuedToken.tokenId`, the `jti`) on every instance within a second: it then answers TOKEN_REVOKED.',
  })
  async revokeToken(
    @Arg('tokenId', () => ID) tokenId: string,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    await this.admin.revokeToken(tokenId, await this.actors.liveActor(context));
    return true;
  }
}
