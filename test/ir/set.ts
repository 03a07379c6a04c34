import type { Kind } from '../../src/schemas/index.js';
import type { KindDocuments, LoadedDocument, PolicySet } from '../../src/load/types.js';

/** A PolicySet from plain documents, for tests that do not need source locations. */
export function policySet(docs: { [K in Kind]?: KindDocuments[K][] }): PolicySet {
  const wrap = <K extends Kind>(kind: K, list: KindDocuments[K][] | undefined): LoadedDocument<K>[] =>
    (list ?? []).map((value, index) => ({
      kind,
      name: value.metadata.name,
      value,
      file: `${kind.toLowerCase()}.yaml`,
      index,
      locate: () => ({ file: `${kind.toLowerCase()}.yaml`, line: 1, column: 1, endLine: 1, endColumn: 1 }),
    }));
  return {
    root: '.',
    apis: wrap('Api', docs.Api),
    policies: wrap('Policy', docs.Policy),
    tokens: wrap('Token', docs.Token),
    overrides: wrap('Overrides', docs.Overrides),
    replays: wrap('Replay', docs.Replay),
    testSuites: wrap('TestSuite', docs.TestSuite),
  };
}
