import { ScopeSets } from '../../src/auth/scope-sets';
import { AuthError } from '../../src/errors';
import { closeHierarchy } from '../../src/scopes/hierarchy';
import { thrown } from '../helpers/thrown';

describe('scope sets: a verified token’s scopes, read once per distinct text', () => {
  const closure = closeHierarchy({ boss: ['auditor'], auditor: ['audit:read'] });

  it('reads the scope text, deduplicated and frozen, with every scope it implies', () => {
    const set = new ScopeSets(closure).of({ scope: 'boss read boss' }, undefined);
    expect(set.scopes).toEqual(['boss', 'read']);
    expect(Object.isFrozen(set.scopes)).toBe(true);
    expect([...set.grantedScopes].sort()).toEqual(['audit:read', 'auditor', 'boss', 'read']);
  });

  it('hands tokens with the same scope text the same set, and another text its own', () => {
    const sets = new ScopeSets(closure);
    const first = sets.of({ scope: 'boss read', sub: 'a' }, undefined);
    expect(sets.of({ scope: 'boss read', sub: 'b' }, undefined)).toBe(first);
    const other = sets.of({ scope: 'read boss' }, undefined);
    expect(other).not.toBe(first);
    expect(other.scopes).toEqual(['read', 'boss']);
  });

  it("reads an external issuer's claim when one is named, as text or as an array", () => {
    const sets = new ScopeSets(closure);
    // The same text under `scope` is not what this issuer grants: its claim is `permissions`.
    expect(sets.of({ scope: 'boss', permissions: 'read' }, 'permissions').scopes).toEqual(['read']);
    expect(sets.of({ scope: 'boss' }, 'permissions').scopes).toEqual([]);
    const array = sets.of({ permissions: ['read', 'boss'] }, 'permissions');
    expect(array.scopes).toEqual(['read', 'boss']);
    expect(array.grantedScopes.has('audit:read')).toBe(true);
    // An inherited `permissions` is not the token's claim.
    expect(
      sets.of(Object.create({ permissions: 'boss' }) as Record<string, unknown>, 'permissions').scopes,
    ).toEqual([]);
  });

  it('reads an scp array when there is no scope text', () => {
    expect(new ScopeSets(closure).of({ scp: ['read'] }, undefined).scopes).toEqual(['read']);
  });

  it('refuses a named claim that is neither text nor an array, and a `scope` that is not text', () => {
    const sets = new ScopeSets(closure);
    for (const value of [{ admin: true }, null, 7]) {
      expect(thrown(() => sets.of({ permissions: value }, 'permissions'), AuthError).detail).toBe(
        'scope_invalid',
      );
    }
    expect(thrown(() => sets.of({ scope: ['admin'] }, undefined), AuthError).detail).toBe('scope_invalid');
  });

  it('refuses an invalid scope every time it comes, never remembering it', () => {
    const sets = new ScopeSets(closure);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(thrown(() => sets.of({ scope: 'read a"b' }, undefined), AuthError).detail).toBe('scope_invalid');
    }
  });

  it('stays correct, and bounded, past the texts it remembers', () => {
    const sets = new ScopeSets(closure);
    for (let index = 0; index < 3000; index += 1) {
      expect(sets.of({ scope: `s${index} boss` }, undefined).scopes).toEqual([`s${index}`, 'boss']);
    }
    const late = sets.of({ scope: 's2999 boss' }, undefined);
    // Past the bound a text is read afresh each time: equal, not shared.
    expect(sets.of({ scope: 's2999 boss' }, undefined)).not.toBe(late);
    expect(sets.of({ scope: 's0 boss' }, undefined)).toBe(sets.of({ scope: 's0 boss' }, undefined));
  });
});
