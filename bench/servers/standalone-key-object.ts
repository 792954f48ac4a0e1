import { SECRET_KEY } from '../fixtures';
import { serveStandalone } from './standalone';

/** (3′) Server (3) with the secret as a KeyObject: jsonwebtoken's fast path (see SECRET_KEY). */
void serveStandalone(SECRET_KEY);
