import { buildPermissionMap, API_PERMISSIONS, type PermissionMap } from '../permissions/permission-map';
import { API_SCOPES } from '../scopes/vocabulary';
import { type ApiModule } from './api-module';
import { REGISTERED_MODULES } from './registered-modules';

/** The API as the modules make it up: what the schema, the migrations and the permission map are built from. */
export interface ApiDefinition {
  readonly modules: readonly ApiModule[];
  readonly permissions: PermissionMap;
  /** Every scope a policy can name, with what it lets a caller do. */
  readonly scopes: Readonly<Record<string, string>>;
}

const MODULE_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * @returns the API with `modules` added (the registered ones unless told otherwise)
 * @throws Error for a badly named or duplicate module, a migration outside its module's namespace, a
 * policy declared twice, or a scope two modules describe
 */
export function defineApi(modules: readonly ApiModule[] = REGISTERED_MODULES): ApiDefinition {
  const names = new Set<string>();
  const scopes: Record<string, string> = { ...API_SCOPES };
  for (const module of modules) {
    if (!MODULE_NAME.test(module.name) || names.has(module.name)) {
      throw new Error(`module name ${JSON.stringify(module.name)} must be unique, lower case, [a-z0-9_]`);
    }
    names.add(module.name);
    for (const migration of Object.keys(module.migrations)) {
      if (!migration.startsWith(`${module.name}_`)) {
        throw new Error(
          `module ${module.name}: migration ${migration} must be named ${module.name}_<number>_<what>`,
        );
      }
    }
    for (const [scope, description] of Object.entries(module.scopes)) {
      if (Object.hasOwn(scopes, scope))
        throw new Error(`module ${module.name}: scope ${scope} is already defined`);
      scopes[scope] = description;
    }
  }
  return Object.freeze({
    modules: Object.freeze([...modules]),
    permissions: buildPermissionMap(API_PERMISSIONS, ...modules.map((module) => module.permissions)),
    scopes: Object.freeze(scopes),
  });
}
