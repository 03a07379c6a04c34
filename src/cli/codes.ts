import { BUNDLE_CODE_TITLES } from '../bundle/codes.js';
import { CATALOG_CODE_TITLES, type CatalogCode } from '../catalog/codes.js';
import type { BundleCode } from '../bundle/codes.js';
import { COMPILE_CODE_TITLES } from '../compile/codes.js';
import { CODES as VALIDATION_CODES } from '../diagnostics/codes.js';
import { DIFF_CODE_TITLES } from '../diff/codes.js';
import { DISTRIBUTE_CODE_TITLES } from '../distribute/codes.js';
import { ENFORCE_CODE_TITLES } from '../enforce/codes.js';
import { EDIT_CODE_TITLES } from '../edit/codes.js';
import { ENGINE_CODE_TITLES } from '../engine/codes.js';
import type { CodeInfo, Severity } from '../diagnostics/types.js';
import { EXTRACT_CODE_TITLES } from '../extract/codes.js';
import { ENVELOPE_CODE_TITLES } from '../identity/codes.js';
import { GUARD_CODE_TITLES } from '../guard/codes.js';
import { FORWARD_CODE_TITLES, type ForwardCode } from '../proxy/forward/codes.js';
import { PROXY_CODE_TITLES } from '../proxy/codes.js';
import { INSIGHT_CODE_TITLES } from '../insight/codes.js';
import { TEST_CODE_TITLES, testCodeSeverity, type TestCode } from '../replay/codes.js';
import { ACTION_ERROR_CODES } from '../toolchain/codes.js';
import { VERIFY_CODE_TITLES, type VerifyCode } from '../verify/codes.js';

type Registry = Readonly<Record<string, { severity: Severity; title: string } | string>>;

function fromRegistry(registry: Registry): Record<string, CodeInfo> {
  return Object.fromEntries(
    Object.entries(registry).map(([code, info]) => [
      code,
      typeof info === 'string' ? { code, severity: 'error' as const, title: info } : { code, ...info },
    ]),
  );
}

/** Each layer's codes, by layer; every code belongs to exactly one (tested). */
export const LAYER_CODES: Readonly<Record<string, Readonly<Record<string, CodeInfo>>>> = {
  validation: VALIDATION_CODES,
  compile: fromRegistry(COMPILE_CODE_TITLES),
  bundle: fromRegistry(BUNDLE_CODE_TITLES),
  verify: fromRegistry(VERIFY_CODE_TITLES),
  extract: fromRegistry(EXTRACT_CODE_TITLES),
  engine: fromRegistry(ENGINE_CODE_TITLES),
  test: fromRegistry(
    Object.fromEntries(Object.entries(TEST_CODE_TITLES).map(([code, title]) => [code, { severity: testCodeSeverity(code as TestCode), title }])),
  ),
  distribute: fromRegistry(DISTRIBUTE_CODE_TITLES),
  diff: fromRegistry(DIFF_CODE_TITLES),
  catalog: fromRegistry(CATALOG_CODE_TITLES),
  enforce: fromRegistry(ENFORCE_CODE_TITLES),
  guard: fromRegistry(GUARD_CODE_TITLES),
  proxy: fromRegistry(PROXY_CODE_TITLES),
  action: fromRegistry(ACTION_ERROR_CODES),
  forward: fromRegistry(FORWARD_CODE_TITLES),
  insight: fromRegistry(INSIGHT_CODE_TITLES),
  edit: fromRegistry(EDIT_CODE_TITLES),
  identity: fromRegistry(ENVELOPE_CODE_TITLES),
};

/** Every code blastguard reports, joined from each layer's own registry (the CLI sees all layers). */
export const ALL_CODES: Readonly<Record<string, CodeInfo>> = Object.assign({}, ...Object.values(LAYER_CODES));

/** The README's diagnostics table, generated so that the documentation cannot drift from the registries. */
export function codesMarkdownTable(): string {
  const rows = Object.values(ALL_CODES)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((c) => `| ${c.code} | ${c.severity} | ${c.title.replace(/\|/g, '\\|')} |`);
  return ['| code | severity | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

// The CLI sees every layer: its usage errors may carry verification and catalog codes, and `eval`
// reports its input's problems (bundle-range codes) as located diagnostics.
declare module '../toolchain/errors.js' {
  interface UsageCodes {
    cli: VerifyCode | CatalogCode | ForwardCode;
  }
}
declare module '../diagnostics/create.js' {
  interface DiagnosticCodes {
    cli: BundleCode;
  }
}
