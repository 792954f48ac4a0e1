import { createRequire } from 'node:module';
import Negotiator from 'negotiator';
import {
  MAX_REMEMBERED_NEGOTIATIONS,
  rememberMediaTypeNegotiations,
} from '../../src/server/media-type-negotiation';

const APOLLO_CANDIDATES = [
  ['application/json; charset=utf-8', 'application/graphql-response+json; charset=utf-8'],
  ['multipart/mixed; incrementalSpec=v0.2', 'multipart/mixed; deferSpec=20220824'],
];
const ACCEPTS = [
  undefined,
  '*/*',
  'application/json',
  'application/graphql-response+json, application/json;q=0.9',
  'application/json;q=0.1, application/graphql-response+json',
  'multipart/mixed; deferSpec=20220824, application/json',
  'text/html',
  '',
];

describe('remembered media type negotiation', () => {
  const negotiate = (accept: string | undefined, available: string[]) =>
    new Negotiator({ headers: accept === undefined ? {} : { accept } }).mediaType(available);
  const fresh = ACCEPTS.flatMap((accept) => APOLLO_CANDIDATES.map((list) => negotiate(accept, list)));

  beforeAll(() => rememberMediaTypeNegotiations());

  it('answers exactly as negotiator does, the first time and when remembered', () => {
    for (let round = 0; round < 3; round += 1) {
      expect(ACCEPTS.flatMap((accept) => APOLLO_CANDIDATES.map((list) => negotiate(accept, list)))).toEqual(
        fresh,
      );
    }
  });

  it('stays correct past its bound, for headers it no longer remembers', () => {
    for (let index = 0; index < MAX_REMEMBERED_NEGOTIATIONS * 2; index += 1) {
      const preferred = index % 2 === 0;
      const accept = `application/json;q=${preferred ? '0.1' : '1'}, application/graphql-response+json;q=0.5, x/${index}`;
      expect(negotiate(accept, APOLLO_CANDIDATES[0]!)).toBe(APOLLO_CANDIDATES[0]![preferred ? 1 : 0]);
    }
    const long = `${'x/y, '.repeat(100)}application/json`;
    expect(negotiate(long, APOLLO_CANDIDATES[0]!)).toBe(APOLLO_CANDIDATES[0]![0]);
  });

  it('patches the one negotiator Apollo Server loads', () => {
    const fromApollo = createRequire(require.resolve('@apollo/server'));
    expect(fromApollo('negotiator')).toBe(Negotiator);
  });

  it('is installed once, however many servers are created', () => {
    const prototype = Negotiator.prototype as unknown as Record<string, unknown>;
    const installed = prototype.mediaType;
    rememberMediaTypeNegotiations();
    expect(prototype.mediaType).toBe(installed);
  });
});
