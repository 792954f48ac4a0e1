import { Kind, type DocumentNode } from 'graphql';

/**
 * The operation names that get a metrics series of their own: names no client can mint, because the operator
 * wrote them down (METRICS_OPERATION_NAMES) or they name an operation of a loaded trusted-document manifest.
 * Any other name is counted as `other`: a client choosing its operation names freely (150 anonymous
 * requests named Attacker1…150) can neither grow the series without bound nor push a real operation out.
 */
export class OperationLabels {
  private readonly known: Set<string>;

  constructor(listed: Iterable<string> = []) {
    this.known = new Set(listed);
  }

  /** Adds the names of the operations `documents` define (the trusted documents, once loaded). */
  learn(documents: Iterable<DocumentNode>): void {
    for (const document of documents) {
      for (const definition of document.definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name)
          this.known.add(definition.name.value);
      }
    }
  }

  /** `name` itself when it is a known one, else `other`. */
  valueOf(name: string): string {
    return this.known.has(name) ? name : 'other';
  }
}
