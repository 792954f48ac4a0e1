import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { MAX_TOKEN_LENGTH } from '../../src/auth/jws';
import { AuthError, ForbiddenError, InputError } from '../../src/errors';
import { manualClock } from '../fixtures/clock';
import { FOREIGN_KEY, KEY_2026_11, KEY_2026_12 } from '../fixtures/keys';
import { thrown } from '../helpers/thrown';
import { craftToken, testTokenService, validClaims } from '../helpers/tokens';

const NOW = 1_800_000_000;
const HEADER = { alg: 'HS256', typ: 'JWT', kid: KEY_2026_11.id };

function decode(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The AuthError a verification throws, so tests can assert both the public reason and the check. */
async function refusal(verification: Promise<unknown>): Promise<AuthError> {
  try {
    await verification;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('the token was accepted');
}

describe('token service: issuing', () => {
  const clock = manualClock(NOW);
  const tokens = testTokenService({ clock });

  it('signs HS256 with typ and the active kid, and carries exactly the documented claims', async () => {
    const issued = tokens.issue({ subject: '4', username: 'Jane', scopes: ['admin', 'read'] });
    const [header, payload, signature] = issued.token.split('.') as [string, string, string];
    expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT', kid: '2026-11' });
    const claims = decode(payload);
    expect(Object.keys(claims).sort()).toEqual([
      'aud',
      'exp',
      'iat',
      'iss',
      'jti',
      'scope',
      'sub',
      'username',
    ]);
    expect(claims).toMatchObject({
      iss: 'graphql-jwt-api',
      aud: 'graphql-jwt-api',
      sub: '4',
      username: 'Jane',
      scope: 'admin read',
      iat: NOW,
      exp: NOW + 900,
    });
    expect(claims.jti).toBe(issued.tokenId);
    expect(issued.expiresAt).toEqual(new Date((NOW + 900) * 1000));
    // An independent HMAC over the same input gives the same signature.
    const expected = createHmac('sha256', KEY_2026_11.secret)
      .update(`${header}.${payload}`)
      .digest('base64url');
    expect(signature).toBe(expected);
  });

  it('leaves out the scope claim when no scope is granted, keeping tokens small', async () => {
    const { token } = tokens.issue({ subject: 'svc', username: 'svc', scopes: [] });
    expect(decode(token.split('.')[1]!)).not.toHaveProperty('scope');
  });

  it('refuses claims outside the documented set', async () => {
    const input = { subject: '4', username: 'Jane', scopes: [], email: 'jane@example.com' };
    expect(() => tokens.issue(input)).toThrow(InputError);
    expect(() => tokens.issue(input)).toThrow(/refused: email/);
  });

  it.each([
    ['an empty subject', { subject: ' ', username: 'Jane', scopes: [] }, 'subject'],
    ['a control character in the username', { subject: '4', username: 'Ja\nne', scopes: [] }, 'username'],
    ['a bidi override in the username', { subject: '4', username: 'admin\u202e', scopes: [] }, 'username'],
    ['a zero-width space in the username', { subject: '4', username: 'ad\u200bmin', scopes: [] }, 'username'],
    ['a C1 control in the username', { subject: '4', username: 'admin\u0085', scopes: [] }, 'username'],
    ['a byte-order mark in the subject', { subject: '\ufeff4', username: 'Jane', scopes: [] }, 'subject'],
    ['a scope with a space', { subject: '4', username: 'Jane', scopes: ['a b'] }, 'scopes'],
    ['a scope with a quote', { subject: '4', username: 'Jane', scopes: ['a"b'] }, 'scopes'],
    [
      'a lifetime over the maximum',
      { subject: '4', username: 'Jane', scopes: [], ttlSeconds: 3601 },
      'ttlSeconds',
    ],
    ['a zero lifetime', { subject: '4', username: 'Jane', scopes: [], ttlSeconds: 0 }, 'ttlSeconds'],
    ['a fractional lifetime', { subject: '4', username: 'Jane', scopes: [], ttlSeconds: 1.5 }, 'ttlSeconds'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, input, field) => {
    expect(thrown(() => tokens.issue(input), InputError)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('honours a requested lifetime up to the maximum', async () => {
    const issued = tokens.issue({ subject: '4', username: 'Jane', scopes: [], ttlSeconds: 3600 });
    expect(issued.expiresAt.getTime()).toBe((NOW + 3600) * 1000);
  });

  it('grants only grantable scopes when asked to, and issues nothing otherwise', async () => {
    expect(() =>
      tokens.issue(
        { subject: '5', username: 'Bob', scopes: ['read', 'admin'] },
        { grantableScopes: ['read'] },
      ),
    ).toThrow(ForbiddenError);
    const issued = tokens.issue(
      { subject: '5', username: 'Bob', scopes: ['read'] },
      { grantableScopes: ['read'] },
    );
    expect(issued.scopes).toEqual(['read']);
  });
});

describe('token service: verifying (RFC 8725)', () => {
  const clock = manualClock(NOW);
  const tokens = testTokenService({ clock });
  const sign = (payload: unknown, header: unknown = HEADER, secret = KEY_2026_11.secret) =>
    craftToken(header, payload, secret);

  beforeEach(() => clock.set(NOW));

  it('accepts its own token and returns the normalised identity', async () => {
    const issued = tokens.issue({ subject: '4', username: 'Jane', scopes: ['admin'] });
    expect(await tokens.verify(issued.token)).toEqual({
      authenticated: true,
      issuer: 'graphql-jwt-api',
      local: true,
      subject: '4',
      username: 'Jane',
      scopes: ['admin'],
      // Expanded once, here: admin implies the API's own scopes (SCOPE_HIERARCHY adds an operator's).
      grantedScopes: new Set([
        'admin',
        'audit:read',
        'tokens:issue',
        'tokens:revoke',
        'users:read',
        'users:write',
      ]),
      expiresAt: issued.expiresAt,
      tokenId: issued.tokenId,
      keyId: '2026-11',
      actor: undefined,
      sessionId: undefined,
      issuedAt: NOW,
    });
  });

  it('expands the scopes once per token: a remembered token brings the same expansion back', async () => {
    const issued = tokens.issue({ subject: '4', username: 'Jane', scopes: ['admin'] });
    await tokens.verify(issued.token); // first seen: verified, not yet remembered
    const first = await tokens.verify(issued.token);
    const again = await tokens.verify(issued.token);
    expect(again.grantedScopes).toBe(first.grantedScopes);
    expect(first.grantedScopes.has('users:write')).toBe(true);
  });

  it('says who minted a token (RFC 8693 act) and refuses a malformed act', async () => {
    const minted = tokens.issue({ subject: 'svc', username: 'svc', scopes: [], actor: 'admin-id' });
    expect(decode(minted.token.split('.')[1]!)).toMatchObject({ act: { sub: 'admin-id' } });
    expect((await tokens.verify(minted.token)).actor).toBe('admin-id');
    for (const act of ['admin-id', { sub: 7 }, { sub: 'x\u202e' }]) {
      const forged = craftToken(
        { alg: 'HS256', typ: 'JWT', kid: KEY_2026_11.id },
        validClaims(NOW, { act }),
        KEY_2026_11.secret,
      );
      expect(await refusal(tokens.verify(forged))).toMatchObject({
        reason: 'TOKEN_INVALID',
        detail: 'claim_invalid',
      });
    }
  });

  it("rejects the article's tampered token (signature + 'gh67j')", async () => {
    const { token } = tokens.issue({ subject: '4', username: 'Jane', scopes: [] });
    expect(await refusal(tokens.verify(`${token}gh67j`))).toMatchObject({ reason: 'TOKEN_INVALID' });
  });

  it('rejects a changed payload under the original signature', async () => {
    const { token } = tokens.issue({ subject: '4', username: 'Jane', scopes: [] });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify(validClaims(NOW, { scope: 'admin' }))).toString('base64url');
    expect(await refusal(tokens.verify(`${header}.${forged}.${signature}`))).toMatchObject({
      reason: 'TOKEN_INVALID',
      detail: 'signature_mismatch',
    });
  });

  describe('only the canonical signature verifies (njwt decodes leniently)', () => {
    const token = craftToken(HEADER, validClaims(NOW), KEY_2026_11.secret);
    const [input, signature] = [token.slice(0, token.lastIndexOf('.')), token.split('.')[2]!];

    it.each([
      ['base64 padding', `${signature}=`],
      ['base64 padding pair', `${signature}==`],
      ['a trailing character', `${signature}A`],
      [
        'standard base64 characters',
        Buffer.from(signature, 'base64url').toString('base64').replace(/=+$/, ''),
      ],
    ])('rejects %s', async (_case, variant) => {
      expect((await refusal(tokens.verify(`${input}.${variant}`))).reason).toBe('TOKEN_INVALID');
    });

    it('rejects a signature whose unused trailing bits differ', async () => {
      // 32 bytes take 43 characters; the last one carries 2 padding bits that a lenient decoder ignores.
      const last = signature.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
      const variant = `${signature.slice(0, -1)}${twin}`;
      expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
      expect(await refusal(tokens.verify(`${input}.${variant}`))).toMatchObject({
        detail: 'signature_encoding',
      });
    });
  });

  describe('the algorithm comes from configuration, never from the header', () => {
    it('rejects alg "none" without a signature', async () => {
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: '2026-11' })).toString('base64url')}.${Buffer.from(JSON.stringify(validClaims(NOW))).toString('base64url')}.`;
      expect(await refusal(tokens.verify(unsigned))).toMatchObject({
        reason: 'TOKEN_INVALID',
        detail: 'malformed',
      });
    });

    it.each(['none', 'None', 'HS384', 'HS512', 'RS256', 'ES256'])(
      'rejects alg %s even when signed with our key',
      async (alg) => {
        const token = sign(validClaims(NOW), { ...HEADER, alg });
        expect(await refusal(tokens.verify(token))).toMatchObject({
          reason: 'TOKEN_INVALID',
          detail: 'alg_not_allowed',
        });
      },
    );

    it('ignores keys a header points to (jku, jwk, x5u): an attacker signing with their own key is refused', async () => {
      for (const extra of [
        { jku: 'http://127.0.0.1/keys' },
        { jwk: { kty: 'oct', k: 'AA' } },
        { x5u: 'http://x' },
      ]) {
        const forged = sign(validClaims(NOW), { ...HEADER, ...extra }, FOREIGN_KEY.secret);
        expect((await refusal(tokens.verify(forged))).detail).toBe('signature_mismatch');
      }
    });

    it('refuses a header with crit, whose extensions it would have to understand', async () => {
      expect(
        (await refusal(tokens.verify(sign(validClaims(NOW), { ...HEADER, crit: ['exp'] })))).detail,
      ).toBe('header_invalid');
    });

    it('rejects a typ other than JWT', async () => {
      expect((await refusal(tokens.verify(sign(validClaims(NOW), { ...HEADER, typ: 'JWE' })))).detail).toBe(
        'typ_not_allowed',
      );
    });
  });

  describe('exp is required and numeric (njwt would treat it as never expiring)', () => {
    it.each([
      ['missing', { exp: undefined }],
      ['a string', { exp: String(NOW + 600) }],
      ['null', { exp: null }],
      ['an object', { exp: { $gt: 0 } }],
    ])('rejects exp %s', async (_case, overrides) => {
      expect(await refusal(tokens.verify(sign(validClaims(NOW, overrides))))).toMatchObject({
        reason: 'TOKEN_INVALID',
        detail: 'exp_missing',
      });
    });
  });

  describe('time claims with the injected clock and the configured tolerance (5s)', () => {
    const token = craftToken(HEADER, validClaims(NOW, { exp: NOW + 60 }), KEY_2026_11.secret);

    it('accepts a token until exp + tolerance, then reports TOKEN_EXPIRED', async () => {
      clock.set(NOW + 64);
      expect((await tokens.verify(token)).subject).toBe('4');
      clock.set(NOW + 65);
      expect(await refusal(tokens.verify(token))).toMatchObject({
        reason: 'TOKEN_EXPIRED',
        detail: 'expired',
      });
    });

    it('accepts nbf within the tolerance and rejects it beyond', async () => {
      expect((await tokens.verify(sign(validClaims(NOW, { nbf: NOW + 5 })))).subject).toBe('4');
      expect(await refusal(tokens.verify(sign(validClaims(NOW, { nbf: NOW + 6 }))))).toMatchObject({
        reason: 'TOKEN_NOT_YET_VALID',
        detail: 'not_before',
      });
    });

    it('rejects iat in the future beyond the tolerance', async () => {
      expect((await tokens.verify(sign(validClaims(NOW, { iat: NOW + 5 })))).subject).toBe('4');
      expect(await refusal(tokens.verify(sign(validClaims(NOW, { iat: NOW + 6 }))))).toMatchObject({
        reason: 'TOKEN_NOT_YET_VALID',
        detail: 'issued_in_future',
      });
    });

    it('honours exp on tokens it remembers as verified', async () => {
      const remembered = craftToken(HEADER, validClaims(NOW, { exp: NOW + 30 }), KEY_2026_11.secret);
      expect((await tokens.verify(remembered)).subject).toBe('4');
      expect((await tokens.verify(remembered)).subject).toBe('4');
      clock.set(NOW + 35);
      expect(await refusal(tokens.verify(remembered))).toMatchObject({ reason: 'TOKEN_EXPIRED' });
    });

    it('remembers a token only as itself: another token ending the same way is verified in full', async () => {
      const valid = craftToken(HEADER, validClaims(NOW), KEY_2026_11.secret);
      expect((await tokens.verify(valid)).username).toBe('Jane');
      expect((await tokens.verify(valid)).username).toBe('Jane'); // seen again: remembered
      // The remembered token's signature (its last characters) on a different payload.
      const [, , signature] = valid.split('.');
      const [forgedHeader, forgedPayload] = craftToken(
        HEADER,
        validClaims(NOW, { username: 'Mallory', scope: 'admin' }),
        'not-the-key-not-the-key-not-the-key',
      ).split('.');
      const forged = `${forgedHeader}.${forgedPayload}.${signature}`;
      expect(forged.slice(-32)).toBe(valid.slice(-32));
      expect(await refusal(tokens.verify(forged))).toMatchObject({ reason: 'TOKEN_INVALID' });
      // …and the genuine token is still remembered and still verifies.
      expect((await tokens.verify(valid)).username).toBe('Jane');
    });

    it('rejects non-numeric nbf and iat', async () => {
      expect((await refusal(tokens.verify(sign(validClaims(NOW, { nbf: 'soon' }))))).detail).toBe(
        'claim_invalid',
      );
      expect((await refusal(tokens.verify(sign(validClaims(NOW, { iat: '0' }))))).detail).toBe(
        'claim_invalid',
      );
    });

    it('uses a tolerance of zero when configured so', async () => {
      const strict = testTokenService({ clock, env: { JWT_CLOCK_TOLERANCE: '0' } });
      clock.set(NOW + 60);
      expect((await refusal(strict.verify(token))).reason).toBe('TOKEN_EXPIRED');
    });
  });

  describe('iss and aud must match (njwt checks neither)', () => {
    it.each([
      ['another issuer', { iss: 'https://evil.example' }, 'issuer_untrusted'],
      ['no issuer', { iss: undefined }, 'issuer_untrusted'],
      ['another audience', { aud: 'billing-api' }, 'audience_mismatch'],
      ['no audience', { aud: undefined }, 'audience_mismatch'],
      ['an audience list without us', { aud: ['billing-api', 'reports'] }, 'audience_mismatch'],
    ])('rejects %s', async (_case, overrides, detail) => {
      expect(await refusal(tokens.verify(sign(validClaims(NOW, overrides))))).toMatchObject({
        reason: 'TOKEN_INVALID',
        detail,
      });
    });

    it('accepts an audience list that includes us', async () => {
      expect(
        (await tokens.verify(sign(validClaims(NOW, { aud: ['billing-api', 'graphql-jwt-api'] })))).subject,
      ).toBe('4');
    });
  });

  describe('claims other issuers use', () => {
    it('takes the username from preferred_username and scopes from an scp array', async () => {
      const claims = validClaims(NOW, {
        username: undefined,
        preferred_username: 'jane.doe',
        scope: undefined,
        scp: ['read', 'write'],
      });
      expect(await tokens.verify(sign(claims))).toMatchObject({
        username: 'jane.doe',
        scopes: ['read', 'write'],
      });
    });

    it('prefers username and scope when both forms are present', async () => {
      const claims = validClaims(NOW, { preferred_username: 'other', scp: ['other'] });
      expect(await tokens.verify(sign(claims))).toMatchObject({ username: 'Jane', scopes: ['admin'] });
    });

    it.each([
      ['no username at all', { username: undefined }, 'username_invalid'],
      ['a numeric username', { username: 42 }, 'username_invalid'],
      ['a username with a right-to-left override', { username: 'admin\u202e' }, 'username_invalid'],
      ['a username with a zero-width joiner', { username: 'adm\u200din' }, 'username_invalid'],
      [
        'a preferred_username with a C1 control',
        { username: undefined, preferred_username: 'a\u009bb' },
        'username_invalid',
      ],
      ['a scope that is not a string', { scope: ['admin'] }, 'scope_invalid'],
      ['an scp that is not an array', { scope: undefined, scp: 'admin' }, 'scope_invalid'],
      ['an scp with a non-string', { scope: undefined, scp: ['read', 7] }, 'scope_invalid'],
      ['no subject', { sub: undefined }, 'subject_invalid'],
      ['a numeric subject', { sub: 4 }, 'subject_invalid'],
      ['a numeric jti', { jti: 1 }, 'claim_invalid'],
    ])('rejects %s', async (_case, overrides, detail) => {
      expect(await refusal(tokens.verify(sign(validClaims(NOW, overrides))))).toMatchObject({ detail });
    });
  });

  describe('keys are chosen by kid from configuration', () => {
    it.each([
      ['no kid', { alg: 'HS256', typ: 'JWT' }, 'kid_missing'],
      ['a numeric kid', { ...HEADER, kid: 1 }, 'kid_missing'],
      ['an unknown kid', { ...HEADER, kid: 'nope' }, 'kid_unknown'],
      ['a prototype-named kid', { ...HEADER, kid: '__proto__' }, 'kid_unknown'],
      ['a path in the kid', { ...HEADER, kid: '../../etc/passwd' }, 'kid_unknown'],
    ])('rejects %s', async (_case, header, detail) => {
      expect(await refusal(tokens.verify(sign(validClaims(NOW), header)))).toMatchObject({
        reason: 'TOKEN_INVALID',
        detail,
      });
    });

    it('rejects a token signed with another secret under our kid', async () => {
      const token = sign(validClaims(NOW), HEADER, FOREIGN_KEY.secret);
      expect((await refusal(tokens.verify(token))).detail).toBe('signature_mismatch');
    });

    it('rotates without downtime: old tokens verify while the old key is listed, new ones carry the new kid', async () => {
      const before = testTokenService({ clock }).issue({ subject: '4', username: 'Jane', scopes: [] }).token;
      const rotated = testTokenService({
        clock,
        env: {
          SIGNING_KEYS: `${KEY_2026_11.id}=${KEY_2026_11.secret},${KEY_2026_12.id}=${KEY_2026_12.secret}`,
          SIGNING_KEY_ID: KEY_2026_12.id,
        },
      });
      expect((await rotated.verify(before)).keyId).toBe('2026-11');
      const after = rotated.issue({ subject: '4', username: 'Jane', scopes: [] }).token;
      expect(decode(after.split('.')[0]!).kid).toBe('2026-12');
      expect((await rotated.verify(after)).keyId).toBe('2026-12');

      const retired = testTokenService({
        clock,
        env: { SIGNING_KEYS: `${KEY_2026_12.id}=${KEY_2026_12.secret}` },
      });
      expect((await refusal(retired.verify(before))).detail).toBe('kid_unknown');
      expect((await retired.verify(after)).subject).toBe('4');
    });
  });

  describe('malformed input', () => {
    it.each([
      ['an empty string', ''],
      ['two segments', 'abc.def'],
      ['four segments', 'a.b.c.d'],
      ['an empty segment', 'a..c'],
      ['non-base64url characters', 'a$.b.c'],
      ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.${'A'.repeat(43)}`],
      ['a header that is a JSON array', `${Buffer.from('[]').toString('base64url')}.e30.${'A'.repeat(43)}`],
    ])('rejects %s as TOKEN_INVALID', async (_case, token) => {
      expect((await refusal(tokens.verify(token))).reason).toBe('TOKEN_INVALID');
    });

    it('rejects a payload that is not a JSON object, even when signed', async () => {
      expect((await refusal(tokens.verify(sign('"just a string"')))).detail).toBe('payload_invalid');
      expect((await refusal(tokens.verify(sign([1, 2])))).detail).toBe('payload_invalid');
    });

    it('does not read tokens longer than the limit', async () => {
      const huge = sign(validClaims(NOW, { padding: 'x'.repeat(MAX_TOKEN_LENGTH) }));
      expect((await refusal(tokens.verify(huge))).detail).toBe('too_long');
    });

    it('decodes each token on its own: a short payload after a long one reads only its own claims', async () => {
      const long = sign(validClaims(NOW, { sub: 'long', padding: 'x'.repeat(2000) }));
      const short = sign(validClaims(NOW, { sub: '9' }));
      expect((await tokens.verify(long)).subject).toBe('long');
      expect(await tokens.verify(short)).toMatchObject({ subject: '9', username: 'Jane', scopes: ['admin'] });
    });

    it('treats a __proto__ claim as data, not as a prototype', async () => {
      const token = `${Buffer.from(JSON.stringify(HEADER)).toString('base64url')}.${Buffer.from(
        `{"__proto__":{"polluted":true},${JSON.stringify(validClaims(NOW)).slice(1)}`,
      ).toString('base64url')}`;
      const signed = `${token}.${createHmac('sha256', KEY_2026_11.secret).update(token).digest('base64url')}`;
      expect((await tokens.verify(signed)).subject).toBe('4');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('an independent implementation (jose)', () => {
    const secret = new TextEncoder().encode(KEY_2026_11.secret);
    const joseToken = (alg = 'HS256', key = secret, claims: Record<string, unknown> = {}) =>
      new SignJWT({ username: 'Jane', scope: 'admin', ...claims })
        .setProtectedHeader({ alg, typ: 'JWT', kid: KEY_2026_11.id })
        .setSubject('4')
        .setIssuer('graphql-jwt-api')
        .setAudience('graphql-jwt-api')
        .setIssuedAt(NOW)
        .setExpirationTime(NOW + 600)
        .sign(key);

    it('signs tokens we accept', async () => {
      expect(await tokens.verify(await joseToken())).toMatchObject({
        subject: '4',
        username: 'Jane',
        scopes: ['admin'],
      });
    });

    it('signs tokens we refuse when the key, algorithm or audience is wrong', async () => {
      const wrongKey = await joseToken('HS256', new TextEncoder().encode(FOREIGN_KEY.secret));
      const wrongAlg = await joseToken('HS512');
      const wrongAudience = await new SignJWT({ username: 'Jane' })
        .setProtectedHeader({ alg: 'HS256', kid: KEY_2026_11.id })
        .setSubject('4')
        .setIssuer('graphql-jwt-api')
        .setAudience('someone-else')
        .setExpirationTime(NOW + 600)
        .sign(secret);
      expect((await refusal(tokens.verify(wrongKey))).detail).toBe('signature_mismatch');
      expect((await refusal(tokens.verify(wrongAlg))).detail).toBe('alg_not_allowed');
      expect((await refusal(tokens.verify(wrongAudience))).detail).toBe('audience_mismatch');
    });
  });
});
