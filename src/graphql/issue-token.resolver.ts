import { type Logger } from 'pino';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { type TokenService } from '../auth/token-service';
import { InputError } from '../errors';
import { type RequestContext, requireIdentity } from '../request-context';
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
    private readonly tokens: TokenService,
    private readonly log: Logger,
  ) {}

  @Mutation(() => IssuedToken, {
    description:
      'Mints a short-lived token for a service or user. Only scopes the caller holds can be granted.',
  })
  issueToken(
    @Arg('input', () => IssueTokenInput) input: IssueTokenInput,
    @Ctx() context: RequestContext,
  ): IssuedToken {
    const identity = requireIdentity(context);
    const request = {
      subject: input.subject,
      username: input.username,
      scopes: input.scopes,
      ...(input.expiresIn == null ? {} : { ttlSeconds: input.expiresIn }),
    };
    let issued;
    try {
      // A caller cannot mint a token more powerful than its own.
      issued = this.tokens.issue(request, { grantableScopes: identity.scopes });
    } catch (error) {
      throw error instanceof InputError ? inSchemaTerms(error) : error;
    }
    const audit = {
      event: 'token_issued',
      by: identity.subject,
      subject: input.subject,
      scopes: issued.scopes,
      jti: issued.tokenId,
    };
    this.log.info({ audit }, 'token issued');
    return Object.assign(new IssuedToken(), {
      accessToken: issued.token,
      tokenType: 'Bearer',
      expiresAt: issued.expiresAt,
      scopes: [...issued.scopes],
    });
  }
}
