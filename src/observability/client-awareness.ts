/** Sent by Apollo Client (`clientAwareness`), Apollo Kotlin, Apollo iOS and this API's client kit. */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';
export const CLIENT_VERSION_HEADER = 'apollographql-client-version';

/** Longer header values are cut: they label reports, and a report has no use for a 16 KiB name. */
const MAX_LENGTH = 128;

/** Which app, by its own account, sent a request: nothing a client cannot forge, so never used to decide. */
export interface ClientIdentity {
  readonly name: string | undefined;
  readonly version: string | undefined;
}

export const NO_CLIENT: ClientIdentity = { name: undefined, version: undefined };

/** The client headers of a request (Apollo's HeaderMap or any `get`), cut to {@link MAX_LENGTH}. */
export function clientOf(headers: { get(name: string): string | undefined } | undefined): ClientIdentity {
  if (!headers) return NO_CLIENT;
  const name = headers.get(CLIENT_NAME_HEADER);
  const version = headers.get(CLIENT_VERSION_HEADER);
  if (name === undefined && version === undefined) return NO_CLIENT;
  return { name: name?.slice(0, MAX_LENGTH), version: version?.slice(0, MAX_LENGTH) };
}

/**
 * The client label values of the request metrics, from the names and `name@version` pairs the operator
 * listed (METRICS_CLIENTS): a request without the headers is `none`, a listed name and version are
 * themselves, and anything else is `other`, so a caller writing whatever it likes in the headers can
 * neither grow the series without bound nor push a real app's series out.
 */
export class ClientLabels {
  private readonly names = new Set<string>();
  private readonly versions = new Set<string>();

  constructor(listed: readonly string[]) {
    for (const entry of listed) {
      const at = entry.lastIndexOf('@');
      // `@scope/app` is a name; `@scope/app@1.2` and `ios@4.2.0` name a version too.
      if (at > 0) {
        this.names.add(entry.slice(0, at));
        this.versions.add(entry);
      } else {
        this.names.add(entry);
      }
    }
  }

  /** `[name, version]` label values. */
  valuesOf(client: ClientIdentity): readonly [string, string] {
    const { name, version } = client;
    if (name === undefined) return version === undefined ? NONE : OTHER;
    if (!this.names.has(name)) return OTHER;
    if (version === undefined) return [name, 'none'];
    return [name, this.versions.has(`${name}@${version}`) ? version : 'other'];
  }
}

const NONE = ['none', 'none'] as const;
const OTHER = ['other', 'other'] as const;
