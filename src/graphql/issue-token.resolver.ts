import { type FastifyBaseLogger } from 'fastify';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { type RequestContext, requireIdentity } from '../auth/identity';
import { type TokenService } from '../auth/token-service';
import { IssuedToken } from './issued-token.type';
import { IssueTokenInput } from './issue-token.input';

@Resolver()
export class IssueTokenResolver {
  constructor(
    private readonly tokens: TokenService,
    private readonly log: FastifyBaseLogger,
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
    const issued = this.tokens.issue(
      {
        subject: input.subject,
        username: input.username,
        scopes: input.scopes,
        ...(input.expiresIn == null ? {} : { ttlSeconds: input.expiresIn }),
      },
      // A caller cannot mint a token more powerful than its own.
      { grantableScopes: identity.scopes },
    );
    this.log.info(
      {
        audit: {
          event: 'token_issued',
          by: identity.subject,
          subject: input.subject,
          scopes: issued.scopes,
          jti: issued.tokenId,
        },
      },
      'token issued',
    );
    return Object.assign(new IssuedToken(), {
      accessToken: issued.token,
      tokenType: 'Bearer',
      expiresAt: issued.expiresAt,
      scopes: [...issued.scopes],
    });
  }
}
