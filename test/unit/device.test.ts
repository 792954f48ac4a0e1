import { deviceLabel, storedUserAgent } from '../../src/accounts/device';

describe('what a session keeps of its device', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    ['NotesApp/3.1 (iPhone; iOS 18.1)', 'NotesApp on iOS'],
    ['okhttp/4.12.0', 'okhttp'],
    ['Apollo/1.0 CFNetwork/1496 Darwin/23.0.0', 'Apollo'],
    [null, 'Unknown device'],
  ])('labels %j as %j', (userAgent, label) => {
    expect(deviceLabel(userAgent)).toBe(label);
  });

  it('keeps a user agent without control, format or separator characters, at most 256 long', () => {
    expect(storedUserAgent('curl/8\u0000 \u009b2J\u202e \u2028x')).toBe('curl/8 2J x');
    expect(storedUserAgent('a'.repeat(300))).toHaveLength(256);
    expect(storedUserAgent('\u0000\u200b')).toBeNull();
    expect(storedUserAgent(undefined)).toBeNull();
  });
});
