import { Ctx, Query, Resolver } from 'type-graphql';
import { type RequestContext } from '../auth/identity';
import { AuthError } from '../errors';
import { Viewer } from './viewer.type';

@Resolver()
export class MeResolver {
  @Query(() => Viewer, { description: 'The caller, from the access token alone: no database is read.' })
  me(@Ctx() { identity }: RequestContext): Viewer {
    // The permission map already requires a token; this keeps the resolver safe if the map is ever wrong.
    if (!identity.authenticated) throw new AuthError('AUTHENTICATION_REQUIRED');
    return Viewer.fromIdentity(identity);
  }
}
