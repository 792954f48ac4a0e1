import { Ctx, Query, Resolver } from 'type-graphql';
import { type RequestContext, requireIdentity } from '../request-context';
import { Viewer } from './viewer.type';

@Resolver()
export class MeResolver {
  @Query(() => Viewer, { description: 'The caller, from the access token alone: no database is read.' })
  me(@Ctx() context: RequestContext): Viewer {
    return Viewer.fromClaims(requireIdentity(context));
  }
}
