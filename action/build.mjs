// Bundles the action (action/src → action/dist/index.mjs) and ships the compiled Wasm runtime next
// to it. `node action/build.mjs --check` fails when the committed dist/ differs from a fresh build.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const dist = path.join(here, 'dist');

export async function bundleAction() {
  const result = await build({
    entryPoints: [path.join(here, 'src', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies (ajv, yaml, the OPA SDK) call require() for Node built-ins.
    banner: { js: "import { createRequire as __bgCreateRequire } from 'node:module'; const require = __bgCreateRequire(import.meta.url);" },
  });
  return {
    'index.mjs': Buffer.from(result.outputFiles[0].contents),
    'blastguard-runtime.wasm': readFileSync(path.join(root, 'dist', 'runtime', 'blastguard.wasm')),
  };
}

export async function checkAction() {
  const files = await bundleAction();
  return Object.entries(files)
    .filter(([name, bytes]) => !existsSync(path.join(dist, name)) || !readFileSync(path.join(dist, name)).equals(bytes))
    .map(([name]) => `action/dist/${name}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = await checkAction();
    if (stale.length) {
      console.error(`stale: ${stale.join(', ')} — run \`npm run build:action\` and commit action/dist`);
      process.exit(1);
    }
  } else {
    mkdirSync(dist, { recursive: true });
    for (const [name, bytes] of Object.entries(await bundleAction())) writeFileSync(path.join(dist, name), bytes);
    console.log('wrote action/dist');
  }
}
