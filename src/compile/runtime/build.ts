/**
 * Builds an OPA Wasm ABI 1.3 module from an AssemblyScript root under `assembly/` with asc's JS
 * API, entirely in memory. The flags pin what OPA hosts require: imported memory without a
 * maximum (re-exported as `memory`), no AssemblyScript runtime (the runtime has its own heap),
 * AssemblyScript aborts routed to `env.opa_abort`, and only Wasm MVP features.
 *
 * `node dist/compile/runtime/build.js [outFile]` builds the production root into
 * `dist/runtime/blastguard.wasm`, where the linker (src/compile/link.ts) looks for it.
 */
import asc from 'assemblyscript/asc';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RUNTIME_WASM } from '../link.js';

/** Repository root; this file runs as src/compile/runtime/build.ts or dist/compile/runtime/build.js. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where the AssemblyScript sources live, relative to the repository root. */
export const ASSEMBLY_DIR = 'src/compile/runtime/assembly';

/** Roots known to the CLI: output name → entry file relative to ASSEMBLY_DIR. */
export const ROOTS: Readonly<Record<string, string>> = {
  'policy-runtime': 'index.ts',
  echo: 'testing/echo.ts',
};

/** asc flags shared by every root. */
export const ASC_FLAGS: readonly string[] = [
  '--runtime', 'stub',
  '--importMemory',
  '--initialMemory', '1',
  '--optimize',
  '--noAssert',
  '--use', `abort=${ASSEMBLY_DIR}/env/as_abort`,
  '--disable', 'mutable-globals,sign-extension,nontrapping-f2i,bulk-memory',
];

export interface RuntimeBuildOptions {
  /** Entry file relative to the assembly directory, e.g. `index.ts` or `testing/echo.ts`. */
  readonly entry: string;
  /**
   * Extra or replacement source files (path relative to the assembly directory → text), served
   * before the disk: lets a compiler inject generated AssemblyScript without writing files.
   */
  readonly sources?: Readonly<Record<string, string>>;
  /** Also return the text format (for debugging). */
  readonly text?: boolean;
}

export interface RuntimeBuildResult {
  readonly wasm: Uint8Array;
  readonly wat: string | undefined;
}

export class RuntimeBuildError extends Error {
  override readonly name = 'RuntimeBuildError';
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** Compiles one root module. Rejects with RuntimeBuildError carrying asc's diagnostics. */
export async function buildRuntime(options: RuntimeBuildOptions): Promise<RuntimeBuildResult> {
  const virtual = new Map<string, string>();
  for (const [path, text] of Object.entries(options.sources ?? {})) {
    virtual.set(normalize(`${ASSEMBLY_DIR}/${path}`), text);
  }
  const outputs = new Map<string, Uint8Array | string>();
  const stderr: string[] = [];
  const entry = `${ASSEMBLY_DIR}/${normalize(options.entry)}`;
  const argv = [entry, ...ASC_FLAGS, '--outFile', 'out.wasm'];
  if (options.text === true) argv.push('--textFile', 'out.wat');

  const { error } = await asc.main(argv, {
    readFile: async (filename: string, baseDir: string): Promise<string | null> => {
      const rel = normalize(join(baseDir, filename));
      const injected = virtual.get(rel);
      if (injected !== undefined) return injected;
      const abs = resolve(REPO_ROOT, rel);
      return existsSync(abs) ? readFile(abs, 'utf8') : null;
    },
    writeFile: (filename: string, contents: Uint8Array | string): void => {
      outputs.set(normalize(filename), contents);
    },
    listFiles: () => [],
    stdout: asc.createMemoryStream(),
    stderr: asc.createMemoryStream((chunk) => {
      stderr.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
    }),
  });
  if (error !== null) {
    throw new RuntimeBuildError(`asc failed for ${entry}: ${error.message}\n${stderr.join('')}`);
  }
  const wasm = outputs.get('out.wasm');
  if (!(wasm instanceof Uint8Array)) {
    throw new RuntimeBuildError(`asc produced no binary for ${entry}\n${stderr.join('')}`);
  }
  const wat = outputs.get('out.wat');
  return { wasm, wat: typeof wat === 'string' ? wat : undefined };
}

/** Where `npm run build` puts the production runtime: the one path src/compile/link.ts reads. */
export const RUNTIME_OUT = RUNTIME_WASM;

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  const outFile = resolve(process.argv[2] ?? RUNTIME_OUT);
  buildRuntime({ entry: ROOTS['policy-runtime'] ?? 'index.ts' })
    .then(async ({ wasm }) => {
      await mkdir(dirname(outFile), { recursive: true });
      await writeFile(outFile, wasm);
      process.stdout.write(`runtime: ${outFile} (${wasm.length} bytes)\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
