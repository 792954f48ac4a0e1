import { type ApiModule } from './api-module';

/**
 * The one registration point for domain modules: a module listed here is migrated, served, enforced and
 * published. The API ships with none; docs/extending.md adds one.
 */
export const REGISTERED_MODULES: readonly ApiModule[] = [];
