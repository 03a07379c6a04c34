import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');
const ACTION_SRC = path.resolve(import.meta.dirname, '..', '..', 'action', 'src');

/**
 * The pipeline's layers and what each may import. Imports flow one way: core knows nothing of the
 * CLI, the Action or the network, and verification never imports signing.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  schemas: [],
  diagnostics: ['core'],
  load: ['core', 'schemas', 'diagnostics'],
  // `identity` to check an IdentityIssuer's keys the way the enforcer will read them.
  validate: ['core', 'schemas', 'diagnostics', 'load', 'identity'],
  ir: ['core', 'schemas', 'load'],
  evaluate: ['core', 'ir'],
  compile: ['core', 'ir'],
  bundle: ['core'],
  sign: ['core', 'bundle'],
  verify: ['core', 'bundle'],
  engine: ['core', 'ir', 'bundle', 'verify'],
  identity: ['core'],
  extract: ['core', 'schemas', 'ir', 'identity'],
  diff: ['core', 'schemas', 'ir', 'evaluate'],
  replay: ['core', 'schemas', 'diagnostics', 'load', 'validate', 'ir', 'engine', 'extract'],
  // `toolchain` only for the types of what it renders (PolicyDiff): the toolchain never imports report.
  report: ['core', 'diagnostics', 'replay', 'diff', 'toolchain', 'insight'],
  // Streaming decision-log analysis; `ir` for the policy set's types (rule modes, token grants).
  insight: ['core', 'ir'],
  // In-place YAML rewrites (promote, narrow-token); no policy semantics beyond the documents' shape.
  edit: ['core'],
  distribute: ['core', 'bundle', 'verify'],
  catalog: ['core', 'schemas'],
  // `ir` for types only; `extract` through its public index (decideRequest).
  enforce: ['core', 'ir', 'bundle', 'verify', 'engine', 'distribute', 'extract'],
  // The egress proxy (issue 11), a runtime layer: decides through the enforcer and extraction (`ir` for types only); src/proxy/forward/ is its CONNECT/TLS side; MCP apis are relayed by the guard's code.
  proxy: ['core', 'ir', 'identity', 'extract', 'enforce', 'guard'],
  // `distribute` to push a published bundle to an OCI registry (the Action's `publish`).
  // The MCP guard: extraction reads the calls, the enforcer decides them; `identity` and `ir` for types.
  guard: ['core', 'ir', 'identity', 'extract', 'enforce'],
  toolchain: ['core', 'schemas', 'diagnostics', 'load', 'validate', 'ir', 'compile', 'bundle', 'sign', 'engine', 'replay', 'diff', 'distribute', 'insight'],
  cli: ['core', 'schemas', 'diagnostics', 'load', 'validate', 'ir', 'evaluate', 'compile', 'bundle', 'sign', 'verify', 'engine', 'extract', 'replay', 'report', 'toolchain', 'distribute', 'diff', 'catalog', 'enforce', 'guard', 'proxy', 'insight', 'edit', 'identity'],
};
/** The GitHub Action drives the toolchain and prints with the report layer, like a CLI command without flags. */
const ACTION_ALLOWED: readonly string[] = ['core', 'diagnostics', 'report', 'toolchain', 'insight', 'edit'];

/** What an enforcer ships: these layers never import the toolchain half (as sigstore `verify` ships without `sign`). */
const RUNTIME = ['engine', 'distribute', 'enforce', 'proxy', 'guard'];
const TOOLCHAIN_HALF = ['load', 'validate', 'compile', 'sign', 'toolchain', 'replay', 'diff', 'report', 'insight', 'edit'];

/** Configuration is passed in: only the CLI and the Action read the process environment or working directory. */
const PROCESS_STATE = /\bprocess\.(env|cwd)\b/;
/** Files that still read process state, owned by other layers' refactors; this list may only shrink. */
const PROCESS_STATE_KNOWN = ['compile/link.ts', 'schemas/generate.ts'];
/** Only the CLI, `distribute` (fetching bundles), `enforce` (log upload, status endpoints), `guard` (MCP relay) and `proxy` open sockets. */
const NETWORKED = ['cli', 'distribute', 'enforce', 'guard', 'proxy'];
/**
 * Every way a module names another: `from '…'` / `from "…"`, side-effect `import '…'`, dynamic
 * `import('…')` and `require('…')`. Group 2 is the specifier.
 */
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
const NETWORK_MODULE = /^(?:node:)?(?:http|https|net|tls|dgram|http2|dns)(?:\/|$)|^(?:undici|ws|@actions\/[a-z-]+)(?:\/|$)/;
/** The network without an import: the global `fetch`, `WebSocket` and `EventSource`. */
const NETWORK_GLOBAL = /(?<![\w.])fetch\s*\(|\bnew\s+(?:WebSocket|EventSource)\b/;

function specifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[2]!);
}

function reachesNetwork(text: string): boolean {
  return NETWORK_GLOBAL.test(text) || specifiers(text).some((s) => NETWORK_MODULE.test(s));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'assembly' ? [] : tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(layer: string, root = path.join(SRC, layer)): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const specifier of specifiers(text).filter((s) => s.startsWith('.'))) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), specifier)).split(path.sep)[0]!;
      if (target === '..') continue;
      if (target === layer) continue;
      found.set(target, [...(found.get(target) ?? []), path.relative(SRC, file)]);
    }
  }
  return found;
}

describe('layering', () => {
  it('every folder of src/ is a known layer', () => {
    const layers = readdirSync(SRC).filter((n) => statSync(path.join(SRC, n)).isDirectory());
    expect(layers.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(Object.entries(ALLOWED))('%s imports only %j', (layer, allowed) => {
    const illegal = [...importsOf(layer)].filter(([target]) => !allowed.includes(target)).map(([t, files]) => `${t} (from ${files.join(', ')})`);
    expect(illegal).toEqual([]);
  });

  it('no layer below the CLI reaches the network or GitHub', () => {
    const offenders = Object.keys(ALLOWED)
      .filter((l) => !NETWORKED.includes(l))
      .flatMap((l) => tsFiles(path.join(SRC, l)))
      .filter((f) => reachesNetwork(readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('the import and network patterns see every form of import and the global fetch', () => {
    const forms = [`import x from "./a.js";`, `import './b.js';`, `await import('./c.js');`, `require("./d.js")`, `export { e } from './e.js';`];
    expect(forms.flatMap((f) => specifiers(f))).toEqual(['./a.js', './b.js', './c.js', './d.js', './e.js']);
    for (const text of [`await fetch(url)`, `new WebSocket(u)`, `import http from "node:http";`, `import('node:https')`, `require('net')`, `import 'undici';`]) {
      expect([text, reachesNetwork(text)]).toEqual([text, true]);
    }
    expect(reachesNetwork('const prefetch = (x) => x; prefetch(1); client.fetch(u)')).toBe(false);
  });

  it('the Action imports only the toolchain, the report layer, core and diagnostics', () => {
    const illegal = [...importsOf('action', ACTION_SRC)].filter(([target]) => !ACTION_ALLOWED.includes(target)).map(([t, files]) => `${t} (from ${files.join(', ')})`);
    expect(illegal).toEqual([]);
  });

  it('runtime-side layers never import the toolchain half', () => {
    const illegal = RUNTIME.flatMap((layer) => (ALLOWED[layer] ?? []).filter((target) => TOOLCHAIN_HALF.includes(target)).map((t) => `${layer} → ${t}`));
    expect(illegal).toEqual([]);
  });

  it('only the CLI and the Action read process.env or process.cwd()', () => {
    const offenders = Object.keys(ALLOWED)
      .filter((l) => l !== 'cli')
      .flatMap((l) => tsFiles(path.join(SRC, l)))
      .filter((f) => PROCESS_STATE.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f).split(path.sep).join('/'));
    expect(offenders.filter((f) => !PROCESS_STATE_KNOWN.includes(f))).toEqual([]);
    // A known offender that was cleaned up leaves the list.
    expect(PROCESS_STATE_KNOWN.filter((f) => !offenders.includes(f))).toEqual([]);
  });

  it('a CLI command never imports a sibling command (shared helpers live in src/cli/)', () => {
    const dir = path.join(SRC, 'cli', 'commands');
    const offenders = readdirSync(dir)
      .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
      .flatMap((name) => [...readFileSync(path.join(dir, name), 'utf8').matchAll(/from '\.\/([^']+)'/g)].map((m) => `${name} → ${m[1]}`));
    expect(offenders).toEqual([]);
  });
});
