import {
  closeHierarchy,
  expandScopes,
  HierarchyCycleError,
  mergeEdges,
  scopesImplying,
} from '../../src/scopes/hierarchy';
import { expandRequirement } from '../../src/permissions/publication';
import { BUILT_IN_HIERARCHY } from '../../src/scopes/vocabulary';
import { thrown } from '../helpers/thrown';

describe('the scope hierarchy', () => {
  const closure = closeHierarchy(
    mergeEdges(BUILT_IN_HIERARCHY, { auditor: ['audit:read'], boss: ['auditor'] }),
  );

  it('gives admin every scope of the API, as the accounts that held admin before the split expect', () => {
    expect(closure.get('admin')).toEqual([
      'audit:read',
      'tokens:issue',
      'tokens:revoke',
      'users:read',
      'users:write',
    ]);
  });

  it('closes implications transitively, and leaves out scopes that imply nothing', () => {
    expect(closure.get('boss')).toEqual(['audit:read', 'auditor']);
    expect(closure.has('audit:read')).toBe(false);
  });

  it('expands a token once into everything it grants', () => {
    expect([...expandScopes(['boss', 'other'], closure)].sort()).toEqual([
      'audit:read',
      'auditor',
      'boss',
      'other',
    ]);
    expect([...expandScopes([], closure)]).toEqual([]);
  });

  it('names who else a requirement lets in', () => {
    expect(scopesImplying('audit:read', closure)).toEqual(['admin', 'auditor', 'boss']);
    expect(scopesImplying('admin', closure)).toEqual([]);
  });

  it('names the cycle it refuses', () => {
    const error = thrown(() => closeHierarchy({ a: ['b'], b: ['a'] }), HierarchyCycleError);
    expect(error.cycle).toEqual(['a', 'b', 'a']);
  });

  it('publishes a requirement with the hierarchy expanded, minimal and sorted', () => {
    expect(expandRequirement([['audit:read']], closure)).toEqual([
      ['admin'],
      ['audit:read'],
      ['auditor'],
      ['boss'],
    ]);
    // Two scopes both implied by admin: admin alone suffices, and no listed set contains another.
    expect(expandRequirement([['users:read', 'audit:read']], closure)).toEqual([
      ['admin'],
      ['audit:read', 'users:read'],
      ['auditor', 'users:read'],
      ['boss', 'users:read'],
    ]);
    expect(expandRequirement([[]], closure)).toEqual([[]]);
    expect(expandRequirement([], closure)).toEqual([]);
  });
});
