import { BUNDLE_ERROR_CODES } from '../bundle/codes.js';
import { COMPILE_CODES } from '../compile/codes.js';
import { CODES as VALIDATION_CODES } from '../diagnostics/codes.js';
import { DISTRIBUTE_ERROR_CODES } from '../distribute/codes.js';
import { DIFF_ERROR_CODES } from '../diff/codes.js';
import type { CodeInfo, Severity } from '../diagnostics/types.js';
import { EXTRACT_CODE_TITLES } from '../extract/codes.js';
import { TEST_CODES } from '../replay/codes.js';
import { ACTION_ERROR_CODES } from '../toolchain/codes.js';
import { VERIFY_ERROR_CODES } from '../verify/codes.js';

type Registry = Readonly<Record<string, { severity: Severity; title: string } | string>>;

function fromRegistry(registry: Registry): Record<string, CodeInfo> {
  return Object.fromEntries(
    Object.entries(registry).map(([code, info]) => [
      code,
      typeof info === 'string' ? { code, severity: 'error' as const, title: info } : { code, ...info },
    ]),
  );
}

/** Every code blastguard reports, joined from each layer's own registry (the CLI sees all layers). */
export const ALL_CODES: Readonly<Record<string, CodeInfo>> = {
  ...VALIDATION_CODES,
  ...fromRegistry(COMPILE_CODES),
  ...fromRegistry(BUNDLE_ERROR_CODES),
  ...fromRegistry(VERIFY_ERROR_CODES),
  ...fromRegistry(EXTRACT_CODE_TITLES),
  ...fromRegistry(TEST_CODES),
  ...fromRegistry(DISTRIBUTE_ERROR_CODES),
  ...fromRegistry(DIFF_ERROR_CODES),
  ...fromRegistry(ACTION_ERROR_CODES),
};

/** The README's diagnostics table, generated so that the documentation cannot drift from the registries. */
export function codesMarkdownTable(): string {
  const rows = Object.values(ALL_CODES)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((c) => `| ${c.code} | ${c.severity} | ${c.title.replace(/\|/g, '\\|')} |`);
  return ['| code | severity | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
