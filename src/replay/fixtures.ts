import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/types.js';
import { emptyPolicySet, loadDocumentsFromText, readFileText } from '../load/index.js';
import type { LoadedDocument, PolicySet } from '../load/index.js';
import { findPolicyFiles, relativePath, type FoundFile } from '../load/files.js';
import { createContext, placeOf } from '../validate/context.js';
import { invalidTimestamp } from '../validate/rules/invalid-timestamp.js';
import { rawCredential } from '../validate/rules/raw-credential.js';
import { escape } from '../core/untrusted.js';
import { VALIDATION_CODES } from '../diagnostics/codes.js';
import { fileStart } from '../diagnostics/create.js';
import { testDiagnostic } from './codes.js';
import { TEST_CODES } from './codes.js';

export interface TestFixtures {
  replays: LoadedDocument<'Replay'>[];
  suites: LoadedDocument<'TestSuite'>[];
  diagnostics: Diagnostic[];
  /** The text of every fixture file read, by the name its diagnostics carry (for code frames). */
  sources: Map<string, string>;
}

const FIXTURE_KIND = /^\s*kind\s*:\s*["']?(Replay|TestSuite)["']?\s*(#.*)?$/m;

/**
 * Every Replay and TestSuite under `dir`, recursively, or in `dir` when it names a file. Only files that declare one of those kinds
 * are read, so a tests directory may hold other YAML (fixtures of other tools, broken policies
 * used by unit tests) without failing `blastguard test`.
 */
export async function loadTestFixtures(dir: string, options: { cwd: string }): Promise<TestFixtures> {
  const cwd = path.resolve(options.cwd);
  const sources = new Map<string, string>();
  const { files, diagnostics, isFile } = await fixtureFiles(dir, cwd);
  let replays: LoadedDocument<'Replay'>[] = [];
  let suites: LoadedDocument<'TestSuite'>[] = [];
  for (const file of files) {
    // A file that cannot be read or decoded might be a fixture: it fails the run (BG004/BG005/BG007)
    // rather than being skipped, or a broken replay would pass by disappearing.
    const read = await readFileText(file);
    if ('diagnostic' in read) {
      diagnostics.push(read.diagnostic);
      continue;
    }
    const text = read.text;
    if (!FIXTURE_KIND.test(text)) continue;
    sources.set(file.rel, text);
    const loaded = loadDocumentsFromText(file.rel, text);
    diagnostics.push(...loaded.diagnostics);
    for (const document of loaded.documents) {
      if (document.kind === 'Replay') replays.push(document as LoadedDocument<'Replay'>);
      else if (document.kind === 'TestSuite') suites.push(document as LoadedDocument<'TestSuite'>);
    }
  }
  // A file named on its own was meant to be run: holding no fixture is an error, not a pass of nothing.
  if (isFile && replays.length + suites.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(
      testDiagnostic(
        TEST_CODES.notAFixture,
        `\`${escape(files[0]?.rel ?? dir)}\` holds no Replay or TestSuite`,
        fileStart(files[0]?.rel ?? dir),
        'name a file whose documents are `kind: Replay` or `kind: TestSuite`, or the directory holding them',
      ),
    );
  }
  // Fixtures are checked for committed credentials as policies are (BG056), duplicates included.
  // A fixture holding one is not run: its names and values would be printed in results and reports.
  const leaks = (document: LoadedDocument): boolean => {
    const set: PolicySet = emptyPolicySet(dir);
    if (document.kind === 'Replay') set.replays.push(document as LoadedDocument<'Replay'>);
    else set.testSuites.push(document as LoadedDocument<'TestSuite'>);
    const found = rawCredential.check(createContext(set, new Date(0)));
    diagnostics.push(...found);
    return found.length > 0;
  };
  replays = replays.filter((document) => !leaks(document));
  suites = suites.filter((document) => !leaks(document));

  // Results, summaries and junit suites are keyed by kind and name: a second fixture of a name is
  // reported and not run, so its results never merge into the first one's.
  const seen = new Map<string, LoadedDocument>();
  const unique = (document: LoadedDocument): boolean => {
    const key = `${document.kind}/${document.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, document);
      return true;
    }
    diagnostics.push(
      testDiagnostic(
        TEST_CODES.duplicateFixture,
        `${document.kind} \`${document.name}\` is already defined at ${placeOf(first, ['metadata', 'name'])}; this one is not run`,
        document.locate(['metadata', 'name'], 'value'),
        'give every replay and test suite its own metadata.name: results and junit reports are keyed by it',
      ),
    );
    return false;
  };
  const keptReplays = replays.filter(unique);
  const keptSuites = suites.filter(unique);
  // A step time (or a date, or an overrides expiry) of the right shape that is no real instant
  // (`2026-02-30T…`): the validator's own check, so `blastguard test` says it where it says BG060.
  const dated: PolicySet = emptyPolicySet(dir);
  dated.replays.push(...keptReplays);
  dated.testSuites.push(...keptSuites);
  diagnostics.push(...invalidTimestamp.check(createContext(dated, new Date(0))));
  for (const replay of keptReplays) diagnostics.push(...duplicateNames(replay, replay.value.spec.steps, 'steps', 'step'));
  for (const suite of keptSuites) diagnostics.push(...duplicateNames(suite, suite.value.spec.cases, 'cases', 'case'));
  return { replays: keptReplays, suites: keptSuites, diagnostics, sources };
}

/** The files to read: every YAML file under a directory, or the one file named (`--tests test/incidents/x.yaml`). */
async function fixtureFiles(target: string, cwd: string): Promise<{ files: FoundFile[]; diagnostics: Diagnostic[]; isFile: boolean }> {
  const abs = path.resolve(cwd, target);
  const isFile = await stat(abs).then(
    (st) => st.isFile(),
    () => false,
  );
  if (isFile) return { files: [{ abs, rel: relativePath(cwd, abs) }], diagnostics: [], isFile };
  const found = await findPolicyFiles(target, cwd);
  // The loader's "no policy files" speaks of policies; a tests directory gets its own code and help.
  const diagnostics = found.diagnostics.map((d) =>
    d.code === VALIDATION_CODES.noPolicyFiles
      ? testDiagnostic(TEST_CODES.noTestFiles, `no \`*.yaml\` or \`*.yml\` files in tests directory \`${escape(target)}\``, d, 'put Replay and TestSuite files (YAML) there, or pass the directory holding them with --tests')
      : d,
  );
  return { files: found.files, diagnostics, isFile };
}

/** A step or case named like an earlier one of its fixture: their results could not be told apart. */
function duplicateNames(document: LoadedDocument, entries: readonly { name: string }[], field: 'steps' | 'cases', noun: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const first = seen.get(entry.name);
    if (first === undefined) {
      seen.set(entry.name, i);
      return;
    }
    out.push(
      testDiagnostic(
        TEST_CODES.duplicateStep,
        `${noun} \`${entry.name}\` of ${document.kind} \`${document.name}\` is already defined at ${placeOf(document, ['spec', field, first, 'name'])}`,
        document.locate(['spec', field, i, 'name'], 'value'),
        `give every ${noun} its own name: results and junit test cases are keyed by it`,
      ),
    );
  });
  return out;
}

