import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlastguardError } from '../core/errors.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { diffDecisions, type DiffReport } from '../diff/index.js';
import { irDigest } from '../ir/build.js';
import type { Ir } from '../ir/types.js';
import type { PolicySet } from '../load/types.js';
import { checkPolicies } from './check.js';
import { CODEOWNERS_PATHS, codeownersOf, parseCodeowners } from './codeowners.js';
import { gitTopLevel, materialize, resolveRevision, type Revision } from './git.js';
import { changedDocuments, type ChangedDocument } from './diff-documents.js';
import { replayFlips, type ReplayComparison } from './diff-replay.js';
import { sha256Hex } from './bundle.js';
import { loadTestBundle, type TestBundle } from './test.js';
import { DIFF_CODES } from '../diff/codes.js';

export type { ChangedDocument } from './diff-documents.js';
export type { ReplayComparison, ReplayFlip, ReplaySide } from './diff-replay.js';

export interface DiffPoliciesOptions {
  /** Where relative paths resolve and git runs. */
  cwd: string;
  /** The policy directory, relative to `cwd`. */
  dir: string;
  /** Replay and TestSuite files of the head, relative to `cwd` (default `test`); absent: no replays. */
  tests?: string;
  /** The git revision to compare against. */
  base: string;
  /** A git revision to compare; default the working tree. */
  head?: string;
  /** The head's validation clock (default now); the base validates as of its commit date. */
  now?: Date;
}

export interface DiffSide {
  /** `origin/main (1a2b3c4)` or `working tree`. */
  label: string;
  /** null for the working tree. */
  commit: string | null;
  /** null when the side does not validate. */
  irDigest: string | null;
  /** sha256 of the unsigned bundle built from the IR (revision = IR digest), as `blastguard test` builds it. */
  bundleDigest: string | null;
}

export interface RuleLocation {
  /** Repository-relative, `/`-separated. */
  file: string;
  line: number;
}

/** Everything a reviewer needs about a policy change; printed by src/report/ and the diff renderers. */
export interface PolicyDiff {
  base: DiffSide;
  head: DiffSide;
  /** The policy directory, relative to the repository top. */
  dir: string;
  /** The decision diff; null when the head does not validate. */
  report: DiffReport | null;
  /** The head's errors (and the text they point into) when it does not validate. */
  headErrors: { diagnostics: Diagnostic[]; sources: ReadonlyMap<string, string> } | null;
  /** The head's fixtures against both bundles; null when there are none or the head does not validate. */
  replay: ReplayComparison | null;
  /** Policy documents added, removed or changed, with their owners. */
  documents: ChangedDocument[];
  /** Every owner of a changed document (`metadata.owners`, then CODEOWNERS), deduplicated. */
  owners: string[];
  /** The CODEOWNERS file read on the head side, if any. */
  codeownersFile: string | null;
  /** Where each rule of the head is declared (by `<policy>/<rule>`), for links. */
  rules: Record<string, RuleLocation>;
}

/** A side that does not validate: its diagnostics travel with the error, for the caller to print. */
export class InvalidSideError extends BlastguardError {
  readonly diagnostics: Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  constructor(code: string, message: string, help: string, check: { diagnostics: Diagnostic[]; sources: ReadonlyMap<string, string> }) {
    super(code, message, { help });
    this.diagnostics = check.diagnostics;
    this.sources = check.sources;
  }
}

interface LoadedSide {
  set: PolicySet;
  ir: Ir | null;
  diagnostics: Diagnostic[];
  sources: ReadonlyMap<string, string>;
  errorCount: number;
  /** Where the side's files are (the repository top, or a scratch copy of a revision). */
  root: string;
}

const short = (r: Revision): string => `${r.ref} (${r.commit.slice(0, 7)})`;
const rel = (top: string, cwd: string, p: string): string => path.relative(top, path.resolve(cwd, p)).split(path.sep).join('/') || '.';

async function loadAt(root: string, dir: string, now: Date): Promise<LoadedSide> {
  const check = await checkPolicies({ dir, cwd: root, now });
  return { set: check.set, ir: check.ir, diagnostics: check.diagnostics, sources: check.sources, errorCount: check.errorCount, root };
}

/** The revision's policy, tests and CODEOWNERS files, copied out of git objects into a scratch directory. */
async function checkout(top: string, rev: Revision, dirs: string[], scratch: string): Promise<string> {
  const root = await mkdtemp(path.join(scratch, 'side-'));
  await materialize(top, rev.commit, [...dirs, ...CODEOWNERS_PATHS], root, rev.ref);
  return root;
}

function ruleLocations(set: PolicySet): Record<string, RuleLocation> {
  const out: Record<string, RuleLocation> = {};
  for (const doc of set.policies) {
    doc.value.spec.rules.forEach((rule, i) => {
      out[`${doc.name}/${rule.id}`] = { file: doc.file, line: doc.locate(['spec', 'rules', i, 'id'], 'value').line };
    });
  }
  return out;
}

async function readCodeowners(root: string): Promise<{ file: string; text: string } | null> {
  for (const file of CODEOWNERS_PATHS) {
    const full = path.join(root, file);
    if (existsSync(full)) return { file, text: await readFile(full, 'utf8') };
  }
  return null;
}

async function bundleOf(ir: Ir): Promise<{ bundle: TestBundle; digest: string }> {
  const bundle = await loadTestBundle(ir);
  return { bundle, digest: `sha256:${sha256Hex(bundle.bytes)}` };
}

/**
 * The pull-request question, answered from git: `base` read from git objects (never the working
 * tree), the head from the working tree or `head`; both validated, compiled and compared exactly
 * (`diffDecisions`); the head's replays and decision tests run against both bundles; the owners
 * of every changed document. Throws BG562 when the base does not validate; a head that does not
 * validate is returned as `headErrors`, for the comment to show.
 */
export async function diffPolicies(options: DiffPoliciesOptions): Promise<PolicyDiff> {
  const top = await gitTopLevel(options.cwd);
  const dir = rel(top, options.cwd, options.dir);
  if (dir.startsWith('..') || path.isAbsolute(dir)) {
    throw new BlastguardError(DIFF_CODES.missingAtBase, `--dir \`${options.dir}\` is outside the git repository at \`${top}\``, { help: 'run diff from inside the policy repository' });
  }
  const tests = options.tests === undefined ? null : rel(top, options.cwd, options.tests);
  const base = await resolveRevision(top, options.base, '--base');
  const head = options.head === undefined ? null : await resolveRevision(top, options.head, '--head');
  const now = options.now ?? new Date();
  const scratch = await mkdtemp(path.join(tmpdir(), 'blastguard-diff-'));
  try {
    const dirs = tests === null ? [dir] : [dir, tests];
    const baseSide = await loadAt(await checkout(top, base, dirs, scratch), dir, new Date(base.date));
    if (baseSide.ir === null) {
      const errors = baseSide.diagnostics.filter((d) => d.severity === 'error');
      throw new InvalidSideError(
        DIFF_CODES.baseInvalid,
        `the policies at ${short(base)} do not validate (${errors.length} ${errors.length === 1 ? 'error' : 'errors'}); no decision diff was computed`,
        'the base must build to be compared: pick another --base, or fix it there first',
        { diagnostics: errors, sources: baseSide.sources },
      );
    }
    const headSide = await loadAt(head === null ? top : await checkout(top, head, dirs, scratch), dir, now);
    const baseBuilt = await bundleOf(baseSide.ir);
    const documents = changedDocuments(baseSide.set, headSide.set);
    const codeowners = await readCodeowners(headSide.root);
    if (codeowners) {
      const rules = parseCodeowners(codeowners.text);
      for (const d of documents) d.codeowners = codeownersOf(rules, d.file)?.owners ?? [];
    }
    const owners = [...new Set(documents.flatMap((d) => [...d.owners, ...d.codeowners]))];
    const headLabel = head === null ? 'working tree' : short(head);
    const common = { dir, documents, owners, codeownersFile: codeowners?.file ?? null, rules: ruleLocations(headSide.set) };
    const baseInfo: DiffSide = { label: short(base), commit: base.commit, irDigest: irDigest(baseSide.ir), bundleDigest: baseBuilt.digest };
    if (headSide.ir === null) {
      return {
        ...common,
        base: baseInfo,
        head: { label: headLabel, commit: head?.commit ?? null, irDigest: null, bundleDigest: null },
        report: null,
        headErrors: { diagnostics: headSide.diagnostics.filter((d) => d.severity === 'error'), sources: headSide.sources },
        replay: null,
      };
    }
    const report = diffDecisions(baseSide.ir, headSide.ir);
    const same = report.base.irDigest === report.head.irDigest;
    const headBuilt = same ? baseBuilt : await bundleOf(headSide.ir);
    // Equal IRs decide alike: nothing can flip, and running the fixtures twice would only cost time.
    const replay = tests === null || same ? null : await replayFlips({ tests, root: headSide.root, base: { ir: baseSide.ir, bundle: baseBuilt.bundle }, head: { ir: headSide.ir, bundle: headBuilt.bundle } });
    return {
      ...common,
      base: baseInfo,
      head: { label: headLabel, commit: head?.commit ?? null, irDigest: report.head.irDigest, bundleDigest: headBuilt.digest },
      report,
      headErrors: null,
      replay,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
