import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CODES as CODES, LAYER_CODES, codesMarkdownTable } from '../../src/cli/codes.js';
import { BUNDLE_CODES } from '../../src/bundle/codes.js';
import { CATALOG_CODES } from '../../src/catalog/codes.js';
import { COMPILE_CODES } from '../../src/compile/codes.js';
import { DIFF_CODES } from '../../src/diff/codes.js';
import { DISTRIBUTE_CODES } from '../../src/distribute/codes.js';
import { ENGINE_CODES } from '../../src/engine/codes.js';
import { VALIDATION_CODES } from '../../src/diagnostics/codes.js';
import { ENFORCE_CODES } from '../../src/enforce/codes.js';
import { EXTRACT_CODES } from '../../src/extract/codes.js';
import { ENVELOPE_CODES } from '../../src/identity/codes.js';
import { GUARD_CODES } from '../../src/guard/codes.js';
import { FORWARD_CODES } from '../../src/proxy/forward/codes.js';
import { PROXY_CODES } from '../../src/proxy/codes.js';
import { INSIGHT_CODES } from '../../src/insight/codes.js';
import { EDIT_CODES } from '../../src/edit/codes.js';
import { TEST_CODES } from '../../src/replay/codes.js';
import { RULES } from '../../src/validate/index.js';
import { VERIFY_CODES } from '../../src/verify/codes.js';

/** The layers' registries of named codes, as source code names them (`BUNDLE_CODES.claimsFile`). */
const NAMED: Readonly<Record<string, Readonly<Record<string, string>>>> = { BUNDLE_CODES, COMPILE_CODES, ENGINE_CODES, TEST_CODES, VALIDATION_CODES, EXTRACT_CODES, VERIFY_CODES, DISTRIBUTE_CODES, DIFF_CODES, CATALOG_CODES, ENFORCE_CODES, GUARD_CODES, FORWARD_CODES, PROXY_CODES, INSIGHT_CODES, EDIT_CODES, ENVELOPE_CODES };

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(abs));
    else if (entry.name.endsWith('.ts')) out.push(abs);
  }
  return out;
}

function codesUsedIn(dir: string): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of sources(dir)) {
    // Codes as string literals or registry keys; comments naming range bounds do not count.
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`](BG\d{3})['"`]|^\s*(BG\d{3}):/gm)) {
      const code = m[1] ?? m[2] ?? '';
      if (!used.has(code)) used.set(code, path.relative(REPO, file));
    }
    for (const m of readFileSync(file, 'utf8').matchAll(/\b([A-Z]+_CODES)\.(\w+)/g)) {
      const code = NAMED[m[1] ?? '']?.[m[2] ?? ''] ?? `${m[1]}.${m[2]} (no such code)`;
      if (!used.has(code)) used.set(code, path.relative(REPO, file));
    }
  }
  return used;
}

/** Files still writing a code as a string, being changed elsewhere: the list may only shrink. */
const RAW_CODES_KNOWN: readonly string[] = ['src/report/junit.ts'];

describe('diagnostic code registry', () => {
  it('leaves no raw code string outside the registries (src/**/codes.ts)', () => {
    const raw = sources(path.join(REPO, 'src'))
      .filter((file) => !file.endsWith(`${path.sep}codes.ts`) && !RAW_CODES_KNOWN.includes(path.relative(REPO, file)))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/['"`]BG\d{3}['"`]/g)].map((m) => `${path.relative(REPO, file)}: ${m[0]}`));
    expect(raw, 'name the code through its layer\'s registry (`TEST_CODES.noFixtures`)').toEqual([]);
  });

  it('registers every code used in src/', () => {
    const missing = [...codesUsedIn(path.join(REPO, 'src'))].filter(([code]) => !CODES[code]).map(([code, file]) => `${code} (${file})`);
    expect(missing, 'add these to their layer\'s registry (see src/cli/codes.ts)').toEqual([]);
  });

  it('gives each code to one layer only (a later registry must not overwrite an earlier one)', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const [layer, registry] of Object.entries(LAYER_CODES)) {
      for (const code of Object.keys(registry)) {
        const first = owner.get(code);
        if (first !== undefined) clashes.push(`${code}: ${first} and ${layer}`);
        else owner.set(code, layer);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('has well-formed entries: key = code, severity, lowercase one-line title', () => {
    for (const [key, info] of Object.entries(CODES)) {
      expect(info.code).toBe(key);
      expect(key).toMatch(/^BG\d{3}$/);
      expect(['error', 'warning', 'info']).toContain(info.severity);
      expect(info.title).not.toMatch(/\n|\.$/);
      expect(info.title.length).toBeGreaterThan(0);
    }
  });

  it('keeps validation codes in BG001-BG099 (and IdentityIssuer BG820-BG829, proxy Api options BG706-BG711) and every validation code used', () => {
    const used = codesUsedIn(path.join(REPO, 'src', 'load'));
    for (const [code] of codesUsedIn(path.join(REPO, 'src', 'validate'))) used.set(code, '');
    for (const code of used.keys()) expect(code).toMatch(/^BG0\d\d$|^BG82\d$|^BG70[6-9]$|^BG71[01]$/);
    const registered = Object.keys(CODES).filter((c) => /^BG0\d\d$|^BG82\d$|^BG70[6-9]$|^BG71[01]$/.test(c));
    expect(registered.filter((c) => !used.has(c))).toEqual([]);
  });

  it('lists each rule code once', () => {
    const codes = RULES.flatMap((r) => r.codes);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('README diagnostics table', () => {
  // The lead merges README; once the table is there it must list exactly the registry.
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const hasTable = readme.includes('| code | severity | meaning |');
  it.runIf(hasTable)('matches the registry (regenerate it with codesMarkdownTable())', () => {
    expect(readme).toContain(codesMarkdownTable());
  });
});
