import { parse } from 'graphql';
import { boundedDocumentStore } from '../../src/server/document-store';

// Apollo's default store sized a document by JSON.stringify, which leaves out the source text: a 95 kB
// comment counted as nothing. The bounded store counts it, so such documents evict each other.
describe('the parsed-document store', () => {
  const commented = (n: number) => parse(`#${'x'.repeat(95_000)}\nquery Q${n} { __typename }`);

  it('counts the source text, comments included, against its bound', async () => {
    const store = boundedDocumentStore(500_000);
    for (let n = 0; n < 5; n += 1) await store.set(`q${n}`, commented(n));
    const kept = await Promise.all(
      [0, 1, 2, 3, 4].map(async (n) => (await store.get(`q${n}`)) !== undefined),
    );
    // Each entry is about 190 kB (two bytes a character): two fit, the older three are gone.
    expect(kept).toEqual([false, false, false, true, true]);
  });

  it('keeps many small documents', async () => {
    const store = boundedDocumentStore(500_000);
    for (let n = 0; n < 100; n += 1) await store.set(`q${n}`, parse(`query Q${n} { __typename }`));
    expect(await store.get('q0')).toBeDefined();
  });
});
