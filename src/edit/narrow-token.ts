import { isMap, isScalar, isSeq, type Node, type YAMLSeq } from 'yaml';
import { BlastguardError } from '../core/errors.js';
import { escape } from '../core/untrusted.js';
import { writeAtomically } from './atomic-write.js';
import { EDIT_CODES } from './codes.js';
import { findDocuments, lineAt, namesOf, readPolicyFiles } from './policy-files.js';
import { applyEdits, type TextEdit } from './splice.js';

export interface NarrowTokenOptions {
  dir: string;
  cwd: string;
  /** The Token's `metadata.name`. */
  token: string;
  /** Whether an operation stays granted. */
  keep: (operation: string) => boolean;
  /** The catalog operations a `class:…` or `*` selector covers. */
  expand: (selector: string) => string[];
  dryRun?: boolean;
}

export interface NarrowedToken {
  token: string;
  file: string;
  line: number;
  /** Operation selectors removed from the grants, in order. */
  dropped: string[];
  /** Selectors replaced by the kept operations they cover. */
  expanded: { selector: string; into: string[] }[];
  /** Grants removed whole (every operation dropped), by index. */
  droppedGrants: number[];
  changed: boolean;
}

type Range = [number, number, number];

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

function afterLine(source: string, offset: number): number {
  const nl = source.indexOf('\n', offset);
  return nl < 0 ? source.length : nl + 1;
}

/**
 * Edits that delete items of a sequence and nothing else. Flow `[a, b, c]`: an item goes with
 * the separator after it (or before it, when last). Block: an item's whole lines go.
 */
function removeItems(source: string, seq: YAMLSeq, drop: ReadonlySet<number>): TextEdit[] {
  const ranges = seq.items.map((item) => (item as Node).range as Range);
  if (!seq.flow) {
    return [...drop].map((i) => {
      const r = ranges[i]!;
      const end = source[r[2] - 1] === '\n' ? r[2] : afterLine(source, r[1]);
      return { start: lineStart(source, r[0]), end, text: '' };
    });
  }
  // Each run of consecutive dropped items goes with the separator after it, or before it at the end.
  const edits: TextEdit[] = [];
  for (let i = 0; i < ranges.length; i++) {
    if (!drop.has(i)) continue;
    let j = i;
    while (j + 1 < ranges.length && drop.has(j + 1)) j++;
    if (j + 1 < ranges.length) edits.push({ start: ranges[i]![0], end: ranges[j + 1]![0], text: '' });
    else if (i > 0) edits.push({ start: ranges[i - 1]![1], end: ranges[j]![1], text: '' });
    else edits.push({ start: ranges[i]![0], end: ranges[j]![1], text: '' });
    i = j;
  }
  return edits;
}

/**
 * `blastguard narrow-token`: removes the operations a token's grants name that `keep` rejects,
 * editing only those items (a selector is replaced by the kept operations it covers). A grant
 * left without operations is removed whole; a token left without grants is an error (BG866).
 */
export async function narrowToken(options: NarrowTokenOptions): Promise<NarrowedToken> {
  const files = await readPolicyFiles(options.dir, options.cwd);
  const found = findDocuments(files, 'Token', options.token);
  if (found.length === 0) {
    throw new BlastguardError(EDIT_CODES.unknownToken, `unknown token \`${escape(options.token)}\``, {
      help: `name a Token's metadata.name: ${namesOf(files, 'Token').slice(0, 8).map((n) => `\`${escape(n)}\``).join(', ') || 'none is declared'}`,
    });
  }
  const { file, document } = found[0]!;
  const grants = document.getIn(['spec', 'grants'], true);
  const result: NarrowedToken = { token: options.token, file: file.display, line: lineAt(file.source, (document.contents?.range ?? [0])[0]), dropped: [], expanded: [], droppedGrants: [], changed: false };
  if (!isSeq(grants)) return result;
  const edits: TextEdit[] = [];
  const dropGrants = new Set<number>();
  grants.items.forEach((grant, g) => {
    if (!isMap(grant)) return;
    const operations = grant.get('operations', true);
    if (!isSeq(operations)) return;
    const drop = new Set<number>();
    let kept = 0;
    const replace: TextEdit[] = [];
    operations.items.forEach((item, i) => {
      if (!isScalar(item) || typeof item.value !== 'string') {
        kept++;
        return;
      }
      const selector = item.value;
      if (selector === '*' || selector.startsWith('class:')) {
        const into = options.expand(selector).filter(options.keep);
        if (into.length === 0) {
          drop.add(i);
          result.dropped.push(selector);
          return;
        }
        kept++;
        result.expanded.push({ selector, into });
        const [start, end] = item.range!;
        const separator = operations.flow ? ', ' : `\n${' '.repeat(start - lineStart(file.source, start) - 2)}- `;
        replace.push({ start, end, text: into.join(separator) });
        return;
      }
      if (options.keep(selector)) kept++;
      else {
        drop.add(i);
        result.dropped.push(selector);
      }
    });
    if (kept === 0) dropGrants.add(g);
    else edits.push(...replace, ...removeItems(file.source, operations, drop));
  });
  if (dropGrants.size === grants.items.length) {
    throw new BlastguardError(EDIT_CODES.emptyToken, `narrowing \`${escape(options.token)}\` would leave it without grants: none of its operations was used`, {
      file: escape(file.display),
      line: result.line,
      help: 'delete the Token document (and revoke the credential) instead',
    });
  }
  edits.push(...removeItems(file.source, grants, dropGrants));
  result.droppedGrants = [...dropGrants].sort((a, b) => a - b);
  result.changed = edits.length > 0;
  if (result.changed && options.dryRun !== true) await writeAtomically(file.path, applyEdits(file.source, edits), file.display);
  return result;
}
