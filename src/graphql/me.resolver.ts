import { Ctx, Query, Resolver } from 'type-graphql';
import { type RequestContext, requireIdentity } from '../request-context';
import { TokenOnly } from './token-only';
import { Viewer } from './viewer.type';

@Resolver()
export class MeResolver {
  @Query(() => Viewer, { description: 'The caller, from the access token alone: no database is read.' })
  @TokenOnly()
  me(@Ctx() context: RequestContext): Viewer {
    return Viewer.fromClaims(requireIdentity(context));
  }
}
