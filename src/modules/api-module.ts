import { type Kysely, type Migration } from 'kysely';
import { type Logger } from 'pino';
import { type DatabaseSchema } from '../db/schema';
import { type OwnerLookup } from '../permissions/access-facts';
import { type PermissionDeclarations } from '../permissions/permission-map';

/*
 * A domain a team adds to the API: its tables, its GraphQL types and resolvers, its policies and the
 * owner lookups they name. A module is registered in one place (registered-modules.ts); the server, the
 * migrations, the SDL, the `permissions` query and the access matrix all read it from there.
 * docs/extending.md walks one through; examples/notes/ is a worked one.
 */

/** What a module's parts are built with. */
export interface ModuleServices {
  /** The API's database; a module's tables are its own (`db.withTables<NotesTables>()`). */
  readonly db: Kysely<DatabaseSchema>;
  readonly logger: Logger;
  /** Milliseconds since the epoch; tests inject their own. */
  readonly clock: () => number;
}

/** What {@link ApiModule.create} builds. */
export interface ModuleParts {
  /** One instance of each class of {@link ApiModule.resolvers}, built with its services. */
  readonly resolvers: readonly object[];
  /** resource → the lookup of its owner, for the `owner.resource(...)` rules of the module's policies. */
  readonly owners?: Readonly<Record<string, OwnerLookup>>;
}

export interface ApiModule {
  /** Lower case, unique: it prefixes the module's migrations (`notes_0001_create_notes`). */
  readonly name: string;
  /** Kysely migrations, each named `<name>_<number>_<what>`; never edit one that has shipped. */
  readonly migrations: Readonly<Record<string, Migration>>;
  /** The type-graphql resolver classes; their types come with them. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own resolver type
  readonly resolvers: readonly Function[];
  /** A policy for each of the module's root fields, and its open types (permission-map.ts). */
  readonly permissions: PermissionDeclarations;
  /** The module's scopes and what each lets a caller do, for the access matrix and the docs. */
  readonly scopes: Readonly<Record<string, string>>;
  create(services: ModuleServices): ModuleParts;
}
