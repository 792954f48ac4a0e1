import Negotiator from 'negotiator';

/** Distinct (Accept, candidates) answers kept; clients send a handful of Accept values between them. */
export const MAX_REMEMBERED_NEGOTIATIONS = 256;
/** A longer Accept header is negotiated every time rather than remembered. */
const MAX_REMEMBERED_ACCEPT_LENGTH = 256;

type MediaType = (this: Negotiator, available?: string[]) => string | undefined;
interface NegotiatorInternals {
  readonly request: { readonly headers: { readonly accept?: string } };
}
const REMEMBERING = Symbol('remembers media type negotiations');

/**
 * Makes `negotiator`'s `mediaType` remember its answers. Apollo Server builds a `Negotiator` and parses the
 * Accept header and every candidate type afresh on every request (once to decide on incremental delivery,
 * again for the response's media type when the client sends Accept), which was ~4% of a `me` request's
 * instructions in the benchmark. The answer depends only on the header and the candidates, so it is kept
 * per pair, up to {@link MAX_REMEMBERED_NEGOTIATIONS} pairs: a client sending endless distinct headers
 * gets them negotiated as before and costs no memory. Apollo has no option for this; it and this module
 * share the one `negotiator` in node_modules (a test checks that), so this patches its prototype, once.
 */
export function rememberMediaTypeNegotiations(): void {
  const prototype = Negotiator.prototype as unknown as { mediaType: MediaType; [REMEMBERING]?: true };
  if (prototype[REMEMBERING]) return;
  const negotiate = prototype.mediaType;
  const answers = new Map<string, string | undefined>();
  prototype.mediaType = function mediaType(available) {
    const accept = (this as unknown as NegotiatorInternals).request.headers.accept;
    if (!Array.isArray(available) || (accept !== undefined && typeof accept !== 'string')) {
      return negotiate.call(this, available);
    }
    if (accept !== undefined && accept.length > MAX_REMEMBERED_ACCEPT_LENGTH) {
      return negotiate.call(this, available);
    }
    // No header means */*, an empty one nothing: the key tells them apart.
    const key = `${accept === undefined ? '-' : `:${accept}`}\n${available.join('\n')}`;
    if (answers.has(key)) return answers.get(key);
    const answer = negotiate.call(this, available);
    if (answers.size < MAX_REMEMBERED_NEGOTIATIONS) answers.set(key, answer);
    return answer;
  };
  prototype[REMEMBERING] = true;
}
