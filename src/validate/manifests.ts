import { locateJson } from '../core/json-position.js';
import { manifestPath, readManifest } from '../load/index.js';
import type { JsonPath, LoadedDocument, ManifestReading, PolicySet, SourceSpan } from '../load/index.js';

/** One Api's trusted-documents manifest as the loader read it, for the rules that check it. */
export interface ManifestSite {
  api: LoadedDocument<'Api'>;
  /** The manifest's path relative to the working directory. */
  file: string;
  /** Where the Api names it. */
  at: SourceSpan;
  /** The reading of its text; null when the loader could not read it (`problem` says why). */
  reading: ManifestReading | null;
  problem: string | null;
  /**
   * Where a member of the manifest (`['operations', 2, 'id']`) was written in the manifest file:
   * problems with its content are shown there, not at the Api's `manifest:` line.
   */
  locate(path: readonly (string | number)[]): SourceSpan;
}

const MANIFEST: JsonPath = ['spec', 'trustedDocuments', 'manifest'];

const readings = new WeakMap<PolicySet, ManifestSite[]>();

/** Every GraphQL Api's declared manifest, read once per set (several rules look at each). */
export function manifestSites(set: PolicySet): ManifestSite[] {
  const cached = readings.get(set);
  if (cached !== undefined) return cached;
  const out: ManifestSite[] = [];
  for (const api of set.apis) {
    const file = manifestPath(api);
    if (file === null || api.value.spec.protocol !== 'graphql') continue;
    const attached = set.attachments?.[file];
    const at = api.locate(MANIFEST, 'value');
    const unread = (): SourceSpan => at;
    if (attached === undefined) out.push({ api, file, at, reading: null, problem: 'was not read', locate: unread });
    else if ('problem' in attached) out.push({ api, file, at, reading: null, problem: attached.problem, locate: unread });
    else {
      const { text } = attached;
      const locate = (path: readonly (string | number)[]): SourceSpan => {
        const { line, column } = locateJson(text, path) ?? { line: 1, column: 1 };
        return { file, line, column, endLine: line, endColumn: column + 1 };
      };
      out.push({ api, file, at, reading: readManifest(text), problem: null, locate });
    }
  }
  readings.set(set, out);
  return out;
}
