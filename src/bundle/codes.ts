import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

export type BundleCode = CodeOf<typeof BUNDLE_CODES>;

/**
 * Error codes BG200–BG299: bundle writing and reading, signing, and the build / eval / keygen
 * commands. Stable: tests assert them and the README lists these titles.
 */
export const { codes: BUNDLE_CODES, titles: BUNDLE_CODE_TITLES } = codeRegistry({
  unwritable: ['BG200', 'the bundle content cannot be written as an OPA bundle (data not an object, no entrypoint, entrypoint or data outside the roots)'],
  notGzip: ['BG210', 'the bundle is not gzip-compressed'],
  decompressedTooLarge: ['BG211', 'the bundle decompresses to more than the limit (gzip bomb guard)'],
  corruptGzip: ['BG212', 'the gzip stream is corrupt or truncated'],
  corruptTar: ['BG213', 'the tar archive is truncated or corrupt'],
  link: ['BG214', 'a bundle entry is a symbolic or hard link'],
  notRegularFile: ['BG215', 'a bundle entry is a device, fifo or other non-regular file'],
  escapesBundle: ['BG216', 'a bundle entry name escapes the bundle with `..`'],
  nonCanonicalPath: ['BG217', 'a bundle entry name is absolute or not canonical (`//x`, `C:`, empty or `.` segments)'],
  controlCharacterInName: ['BG218', 'a bundle entry name has a backslash, NUL or control character'],
  duplicateEntry: ['BG219', 'a bundle entry appears more than once'],
  fileTooLarge: ['BG220', 'a bundle file is larger than the per-file limit'],
  totalTooLarge: ['BG221', 'the bundle files add up to more than the total limit'],
  tooManyEntries: ['BG222', 'the bundle has more entries than the limit'],
  directoryWithContent: ['BG223', 'a directory entry carries content'],
  invalidJson: ['BG230', '`data.json` or `.manifest` is not valid JSON'],
  invalidUtf8: ['BG231', '`data.json` or `.manifest` is not valid UTF-8'],
  manifestField: ['BG232', '`.manifest` has a field of the wrong type, or an entrypoint claimed twice'],
  overlappingRoots: ['BG233', '`.manifest` roots overlap'],
  missingWasmModule: ['BG234', '`.manifest` references a wasm module the bundle does not have'],
  outsideRoots: ['BG235', 'an entrypoint or data lies outside the manifest roots'],
  yamlData: ['BG236', '`data.yaml` / `data.yml` that is not JSON (YAML data is not supported)'],
  conflictingData: ['BG237', 'data files conflict, or the root `data.json` is not an object'],
  noWasmEntrypoint: ['BG238', 'the bundle has no wasm module for the requested entrypoint'],
  deltaBundle: ['BG239', 'the bundle is a delta bundle (`patch.json`)'],
  unreadable: ['BG240', 'the bundle file or directory cannot be read'],
  unsupportedSigningAlgorithm: ['BG250', 'unsupported signing algorithm'],
  signingKey: ['BG251', 'the signing key is not a PEM private key, or does not fit the algorithm'],
  hmacSecret: ['BG252', 'the HMAC secret is a PEM key or shorter than the digest size'],
  claimsFile: ['BG253', 'the claims file cannot be read, is not a JSON object, or sets a claim OPA could not decode'],
  signingKeyUnreadable: ['BG254', 'the signing key file cannot be read, or its environment variable is unset'],
  signingFlags: ['BG255', 'contradicting or ignored signing flags (a signing flag without a key, both key sources)'],
  noRevision: ['BG260', 'no revision: not a git checkout and no `--revision`'],
  writeFailed: ['BG261', 'the bundle cannot be written'],
  foreignOutDirectory: ['BG262', 'the `--out` directory holds files blastguard did not write (only `data.json`, `catalog.json`, `policy.wasm`, `.manifest`, `.signatures.json` may be there)'],
  outDirectory: ['BG263', '`--out` is empty, the current directory, or the policy directory (or inside or around it)'],
  emptyFlag: ['BG265', 'a path flag (`--dir`, `--tests`, `--junit`, …) or a `--fixture` / `--step` filter is empty'],
  controlCharacterInFlag: ['BG266', 'a flag value or argument has a control character (it would be echoed into output)'],
  buildFlagValue: ['BG264', '`build --revision`, `--key-id` or `--scope` has a control character, or `--key-id` is empty'],
  evalInputUnreadable: ['BG270', 'the eval input file cannot be read'],
  evalInputJson: ['BG271', 'the eval input is not valid JSON'],
  unknownEntrypoint: ['BG272', 'unknown eval entrypoint'],
  unverifiedSignedBundle: ['BG273', 'a signed bundle given to eval without `--verification-key` or `--skip-verify`'],
  evalInputUtf8: ['BG274', 'the eval input is not valid UTF-8'],
  evalFlags: ['BG275', 'contradicting eval flags (`--dir` with `--bundle`, a key with `--skip-verify`, verification flags without `--bundle` or a key)'],
  unsupportedKeygenAlgorithm: ['BG280', 'unsupported keygen algorithm'],
  keyFileExists: ['BG281', 'a key file already exists (keygen never overwrites)'],
  keyFilesUnwritable: ['BG282', 'the key files cannot be written'],
});
