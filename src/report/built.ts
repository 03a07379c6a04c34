import { escape } from '../core/untrusted.js';

/** What a build wrote, as the one line that reports it. */
export interface BuiltSummary {
  /** The output path as the user gave it. */
  out: string;
  revision: string;
  signedWith: { alg: string; keyId: string | undefined } | undefined;
  /** SHA-256 of a `.tar.gz` bundle; undefined for a bundle directory. */
  sha256: string | undefined;
}

/** ``built bundle.tar.gz: revision …, signed ES256 key `ci`, sha256 …`` */
export function formatBuilt(built: BuiltSummary): string {
  const signed = built.signedWith === undefined ? 'unsigned' : `signed ${built.signedWith.alg}${built.signedWith.keyId === undefined ? '' : ` key \`${built.signedWith.keyId}\``}`;
  const digest = built.sha256 === undefined ? '' : `, sha256 ${built.sha256}`;
  return `built ${escape(built.out)}: revision ${built.revision === '' ? '(none)' : built.revision}, ${signed}${digest}\n`;
}
