/**
 * One sticky comment per pull request, as Infracost's `--behavior update` and tfcmt's metadata
 * comments keep theirs: a hidden marker carries the run's metadata; the newest marked comment is
 * edited in place, not edited when its text is the same, and never overwritten by an older run.
 */

/** What the marker says about the run that wrote the comment. */
export interface StickyMeta {
  /** The pull request's head commit the diff was computed for. */
  head: string;
  /** The head's IR digest (null when the head does not validate): what `publish` checks on merge. */
  ir: string | null;
  /** The workflow run id: runs of one repository only grow, and a re-run keeps its id. */
  run: number;
  /** Whether the comment reports decision changes (or head errors). */
  changes: boolean;
}

const MARKER = 'blastguard:policy-diff';
const MARKER_LINE = new RegExp(`^<!-- ${MARKER} (\\{.*\\}) -->$`, 'm');

export function markerLine(meta: StickyMeta): string {
  return `<!-- ${MARKER} ${JSON.stringify(meta)} -->`;
}

/** The marker's metadata, or null when the body is not a blastguard diff comment. */
export function parseMarker(body: string): StickyMeta | null {
  const m = MARKER_LINE.exec(body);
  if (!m) return null;
  try {
    const v = JSON.parse(m[1]!) as Partial<StickyMeta>;
    if (typeof v.head !== 'string' || typeof v.run !== 'number') return null;
    return { head: v.head, ir: typeof v.ir === 'string' ? v.ir : null, run: v.run, changes: v.changes === true };
  } catch {
    return null;
  }
}

/** The body without its marker: two runs with the same report compare equal. */
export const withoutMarker = (body: string): string => body.replace(MARKER_LINE, '').trim();

export interface ExistingComment {
  id: number;
  body: string;
}

export type StickyPlan =
  | { action: 'create'; body: string }
  | { action: 'update'; id: number; body: string }
  | { action: 'skip'; id: number | null; reason: 'identical' | 'newer-run' | 'no-changes' };

/**
 * What to do with the pull request's comments: `comments` in the order the API lists them
 * (oldest first), `body` the new comment with its marker.
 */
export function planSticky(comments: readonly ExistingComment[], body: string, meta: StickyMeta): StickyPlan {
  const ours = comments.filter((c) => parseMarker(c.body) !== null);
  const last = ours[ours.length - 1];
  if (!last) return meta.changes ? { action: 'create', body } : { action: 'skip', id: null, reason: 'no-changes' };
  const theirs = parseMarker(last.body)!;
  if (theirs.run > meta.run) return { action: 'skip', id: last.id, reason: 'newer-run' };
  if (withoutMarker(last.body) === withoutMarker(body)) return { action: 'skip', id: last.id, reason: 'identical' };
  return { action: 'update', id: last.id, body };
}
