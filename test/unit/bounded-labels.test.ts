import { BoundedLabels } from '../../src/observability/bounded-labels';

describe('BoundedLabels', () => {
  it('keeps the first values, counts every later one as other, and remembers the ones it kept', () => {
    const labels = new BoundedLabels(2);
    expect(['Me', 'Login', 'Users', 'Me', 'Login', 'Users'].map((v) => labels.valueOf(v))).toEqual([
      'Me',
      'Login',
      'other',
      'Me',
      'Login',
      'other',
    ]);
  });

  it('gives no series to a value too long to be a real operation name', () => {
    const labels = new BoundedLabels(10);
    expect(labels.valueOf('x'.repeat(101))).toBe('other');
    expect(labels.valueOf('x'.repeat(100))).toBe('x'.repeat(100));
  });
});
