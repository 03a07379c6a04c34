import { CATALOG_PATH, type Bundle } from '../bundle/index.js';
import { BlastguardError } from '../core/errors.js';
import type { IrCatalog } from '../ir/catalog.js';
import { IR_VERSION } from '../ir/types.js';
import { ENGINE_CODES } from './codes.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The fields extraction indexes into without checking; the rest of the document is trusted as built (it is signed). */
const LISTS = ['apis', 'tokens', 'inventories'] as const;

function unreadable(problem: string, cause?: unknown): BlastguardError {
  return new BlastguardError(ENGINE_CODES.catalogUnreadable, `bundle file \`${CATALOG_PATH}\` ${problem}`, {
    file: CATALOG_PATH,
    help: 'rebuild and republish the bundle with this version of `blastguard build`',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The api catalog a bundle carries (`catalog.json`, written by `buildBundle`), or null for a bundle
 * built without one. Read it only from a verified bundle: the signature is what makes it the
 * publisher's catalog; this checks that it is one this version can read (its IR version and
 * shape), and throws BG123 when not.
 */
export function readBundleCatalog(bundle: Bundle): IrCatalog | null {
  const bytes = bundle.files.get(CATALOG_PATH);
  if (bytes === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw unreadable('is not json', e);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unreadable('must hold a json object');
  const version = (value as { irVersion?: unknown }).irVersion;
  if (version !== IR_VERSION) {
    throw unreadable(`has ir version \`${typeof version === 'number' ? version : String(version)}\`; this version of blastguard reads ${IR_VERSION}`);
  }
  for (const field of LISTS) {
    if (!Array.isArray((value as Record<string, unknown>)[field])) throw unreadable(`must have an array \`${field}\``);
  }
  return value as IrCatalog;
}
