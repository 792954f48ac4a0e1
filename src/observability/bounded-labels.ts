/** A label value that a client wrote longer than this is not worth a series of its own. */
const MAX_LABEL_LENGTH = 100;

/**
 * Label values that clients choose (operation names), held to a fixed number of series: the first `limit`
 * distinct values keep their own, every later one becomes `other`. Each series costs memory in this
 * process and in Prometheus for as long as it lives, so whoever sends requests must not be able to mint
 * them without bound.
 */
export class BoundedLabels {
  private readonly known = new Set<string>();

  constructor(private readonly limit: number) {}

  /** `value` itself while there is room (or it already has a series), else `other`. */
  valueOf(value: string): string {
    if (this.known.has(value)) return value;
    if (this.known.size >= this.limit || value.length > MAX_LABEL_LENGTH) return 'other';
    this.known.add(value);
    return value;
  }
}
