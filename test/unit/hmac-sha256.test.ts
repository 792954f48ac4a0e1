import { createHmac, randomBytes } from 'node:crypto';
import { HmacSha256 } from '../../src/auth/hmac-sha256';

const reference = (key: Buffer, message: string) =>
  createHmac('sha256', key).update(message).digest('base64url');

describe('HMAC-SHA256 over one-shot hashes', () => {
  it('matches RFC 4231 test case 2 ("Jefe")', () => {
    const mac = new HmacSha256(Buffer.from('Jefe'));
    expect(Buffer.from(mac.base64url('what do ya want for nothing?'), 'base64url').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('matches createHmac for keys of every length around the block size, and longer', () => {
    for (const length of [0, 1, 31, 32, 48, 63, 64, 65, 100, 128, 200, 1000]) {
      const key = randomBytes(length);
      const mac = new HmacSha256(key);
      for (const message of [
        '',
        'a',
        'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0In0',
        'x'.repeat(55),
        'x'.repeat(56),
      ]) {
        expect(mac.base64url(message)).toBe(reference(key, message));
      }
    }
  });

  it('matches createHmac for messages of every length up to and past the in-place limit, and non-ASCII text', () => {
    const key = randomBytes(48);
    const mac = new HmacSha256(key);
    for (let length = 0; length <= 300; length += 1) {
      const message = randomBytes(length).toString('base64url').slice(0, length);
      expect(mac.base64url(message)).toBe(reference(key, message));
    }
    for (const message of [
      'x'.repeat(4095),
      'x'.repeat(4096),
      'x'.repeat(4097),
      '€'.repeat(4096),
      '😀'.repeat(2048),
      'é\u0000ß',
    ]) {
      expect(mac.base64url(message)).toBe(reference(key, message));
    }
  });

  it('leaves nothing of one message in the next: a short message after a long one', () => {
    const key = randomBytes(48);
    const mac = new HmacSha256(key);
    mac.base64url('y'.repeat(3000));
    expect(mac.base64url('short')).toBe(reference(key, 'short'));
  });
});
