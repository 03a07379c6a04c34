import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { durationSeconds } from '../../core/duration.js';
import { escape } from '../../core/untrusted.js';
import {
  ENVELOPE_CODES,
  attenuateEnvelope,
  checkCall,
  inspectEnvelope,
  issueEnvelope,
  parseTraceparent,
  trustStoreOf,
  verifyEnvelope,
  type Attenuation,
  type SigningKey,
} from '../../identity/index.js';
import { normalizeHeaders } from '../../core/headers.js';
import { checkPolicies } from '../../toolchain/index.js';
import { parseInstant, printDiagnostics } from '../command.js';
import type { CliIo, CommandModule } from '../command.js';

interface SignFlags {
  key: string;
  kid: string;
  issuer: string;
  lifetime?: string;
  operations?: string;
  environments?: string;
  resources?: string;
  workload?: string;
  now?: Date;
}

interface IssueFlags extends SignFlags {
  originator: string;
  tenant: string;
  causation?: string;
  purpose?: string;
  audience?: string;
}

interface VerifyFlags {
  dir: string;
  now?: Date;
  operation?: string;
  environment?: string;
  resource?: string;
}

const EXAMPLES = `
Examples:
  $ blastguard envelope issue --key jobs.pem --kid jobs-2026 --issuer acme-jobs \\
      --originator user:jer --tenant pocketos --lifetime 10m --causation "$TRACEPARENT" > envelope.jws
  $ blastguard envelope attenuate - --key runner.pem --kid runner-1 --issuer job-runner \\
      --operations serviceInstanceRedeploy --environments production < envelope.jws > narrowed.jws
  $ blastguard envelope verify - --dir policies --operation serviceInstanceRedeploy --environment production < narrowed.jws
  $ blastguard envelope inspect - < narrowed.jws

Envelopes are compact JWS (Txn-Token style) sent in the \`Txn-Token\` header. Give \`-\` (or nothing)
to read one from stdin rather than the command line, where other users may see it. Private keys
are read from PKCS#8 PEM or JWK files and never printed; \`inspect\` shows no signature.
`;

export const envelopeCommand: CommandModule = {
  name: 'envelope',
  register(program: Command, io, setExit) {
    const envelope = program.command('envelope').description('Issue, attenuate, verify and inspect signed identity envelopes (Txn-Token)').addHelpText('after', EXAMPLES);
    withScope(withSigner(envelope.command('issue').description('Sign a new identity envelope and print it')))
      .requiredOption('--originator <sub>', 'who asked for the transaction, e.g. user:jer')
      .requiredOption('--tenant <tenant>', 'the tenant the transaction is for')
      .option('--causation <traceparent>', 'the W3C traceparent at issuance')
      .option('--purpose <text>', 'why the transaction exists (`purp`)')
      .option('--audience <aud>', 'the trust domain the envelope is for (`aud`)')
      .action(async (flags: IssueFlags) => {
        const signer = await signerOf(io, flags);
        const lifetimeSeconds = lifetimeOf(flags.lifetime ?? '10m');
        if (flags.causation !== undefined && parseTraceparent(normalizeHeaders({ traceparent: flags.causation })) === null) {
          throw usage(`--causation \`${escape(flags.causation)}\` is not a W3C traceparent`, 'give `00-<32 hex>-<16 hex>-<2 hex>`, e.g. the `traceparent` of the request that started the job');
        }
        const text = await issueEnvelope(
          {
            issuer: flags.issuer,
            originator: flags.originator,
            tenant: flags.tenant,
            lifetimeSeconds,
            ...(flags.causation === undefined ? {} : { causation: flags.causation }),
            ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }),
            ...(flags.audience === undefined ? {} : { audience: flags.audience }),
            ...(flags.workload === undefined ? {} : { workload: flags.workload }),
            ...(flags.now === undefined ? {} : { now: flags.now }),
            ...scopeOf(flags),
          },
          signer,
        );
        io.stdout(`${text}\n`);
        setExit(0);
      });
    withScope(withSigner(envelope.command('attenuate').description('Wrap an envelope in a narrower one signed by this hop, and print it').argument('[envelope]', 'the parent envelope, or `-` for stdin')))
      .action(async (parent: string | undefined, flags: SignFlags) => {
        const signer = await signerOf(io, flags);
        const text = await attenuateEnvelope(
          await envelopeText(io, parent),
          {
            issuer: flags.issuer,
            attenuation: scopeOf(flags).attenuation ?? {},
            ...(flags.lifetime === undefined ? {} : { lifetimeSeconds: lifetimeOf(flags.lifetime) }),
            ...(flags.workload === undefined ? {} : { workload: flags.workload }),
            ...(flags.now === undefined ? {} : { now: flags.now }),
          },
          signer,
        );
        io.stdout(`${text}\n`);
        setExit(0);
      });
    envelope
      .command('verify')
      .description('Verify an envelope chain against the IdentityIssuers of a policy directory, as an enforcer would')
      .argument('[envelope]', 'the envelope, or `-` for stdin')
      .option('--dir <dir>', 'policy directory', 'policies')
      .option('--now <time>', 'verify as of this RFC 3339 time (default: the clock)', parseInstant)
      .option('--operation <name>', 'also check that this call is inside every attenuation')
      .option('--environment <name>', 'the call\'s environment (with --operation)')
      .option('--resource <id>', 'the call\'s resource id (with --operation)')
      .action(async (arg: string | undefined, flags: VerifyFlags) => {
        const text = await envelopeText(io, arg);
        const result = await checkPolicies({ dir: flags.dir, cwd: io.cwd });
        printDiagnostics(io, result.diagnostics, 'human', result.sources);
        if (result.ir === null) {
          setExit(1);
          return;
        }
        const now = Math.floor((flags.now ?? new Date()).getTime() / 1000);
        const chain = verifyEnvelope(text, trustStoreOf(result.ir.identityIssuers ?? []), now);
        if (flags.operation !== undefined) checkCall(chain, { operation: flags.operation, environment: flags.environment ?? null, resource: flags.resource ?? null });
        const { hash, originator, tenant, causation, txn, issuers, scope } = chain;
        io.stdout(`${JSON.stringify({ verified: true, hash, originator, tenant, causation: causation ?? null, txn, issuers, attenuation: scope, expires: new Date(chain.exp * 1000).toISOString() }, null, 2)}\n`);
        setExit(0);
      });
    envelope
      .command('inspect')
      .description('Decode an envelope chain without verifying it (no signature is shown)')
      .argument('[envelope]', 'the envelope, or `-` for stdin')
      .action(async (arg: string | undefined) => {
        io.stdout(`${JSON.stringify(inspectEnvelope(await envelopeText(io, arg)), null, 2)}\n`);
        setExit(0);
      });
  },
};

function withSigner(command: Command): Command {
  return command
    .requiredOption('--key <file>', 'the hop\'s private key: PKCS#8 PEM or a private JWK (EC P-256/P-384 or Ed25519)')
    .requiredOption('--kid <kid>', 'the key id its IdentityIssuer declares for the public half')
    .requiredOption('--issuer <name>', 'the IdentityIssuer name (`iss`)')
    .option('--lifetime <duration>', 'how long the envelope lives, e.g. 90s, 10m, 1h (issue: default 10m; attenuate: the parent\'s)')
    .option('--workload <id>', 'the requesting workload (`rctx.req_wl`), e.g. a SPIFFE ID')
    .option('--now <time>', 'issue as of this RFC 3339 time (default: the clock)', parseInstant);
}

function withScope(command: Command): Command {
  return command
    .option('--operations <list>', 'comma-separated operations the holder may still ask for')
    .option('--environments <list>', 'comma-separated environments')
    .option('--resources <list>', 'comma-separated resource ids')
    .addHelpText('after', EXAMPLES);
}

function usage(message: string, help: string): BlastguardError {
  return new BlastguardError(ENVELOPE_CODES.usage, message, { help });
}

function lifetimeOf(value: string): number {
  const seconds = durationSeconds(value);
  if (seconds === null || seconds === 0) throw usage(`--lifetime \`${escape(value)}\` is not a duration`, 'give a whole number of seconds, minutes or hours, e.g. `90s`, `10m`, `1h`');
  return seconds;
}

function scopeOf(flags: SignFlags): { attenuation?: Attenuation } {
  const attenuation: Attenuation = {};
  for (const dim of ['operations', 'environments', 'resources'] as const) {
    const raw = flags[dim];
    if (raw === undefined) continue;
    const items = raw.split(',').map((x) => x.trim());
    if (items.some((x) => x === '')) throw usage(`--${dim} \`${escape(raw)}\` has an empty item`, `give a comma-separated list, e.g. \`--${dim} a,b\``);
    attenuation[dim] = [...new Set(items)];
  }
  return Object.keys(attenuation).length === 0 ? {} : { attenuation };
}

async function envelopeText(io: CliIo, arg: string | undefined): Promise<string> {
  const text = (arg === undefined || arg === '-' ? await io.readStdin() : arg).trim();
  if (text === '') throw usage('no envelope given', 'pass the envelope as an argument, or `-` and the envelope on stdin');
  return text;
}

/** The private key of a file, refusing anything that is not a private EC/Ed25519 key; its text is never echoed. */
async function signerOf(io: CliIo, flags: SignFlags): Promise<SigningKey> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, flags.key), 'utf8');
  } catch (e) {
    throw new BlastguardError(ENVELOPE_CODES.keyFile, `cannot read key file \`${escape(flags.key)}\`: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { help: 'give the path of the private key (PKCS#8 PEM or JWK)' });
  }
  let key: KeyObject;
  try {
    key = text.trimStart().startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' }) : createPrivateKey(text);
  } catch {
    // The message of a failed parse may quote the file: it is not shown.
    throw new BlastguardError(ENVELOPE_CODES.keyFile, `key file \`${escape(flags.key)}\` is not a private key`, { help: 'give a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or a private JWK of an EC P-256/P-384 or Ed25519 key' });
  }
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (!(type === 'ed25519' || (type === 'ec' && (curve === 'prime256v1' || curve === 'secp384r1')))) {
    throw new BlastguardError(ENVELOPE_CODES.keyFile, `key file \`${escape(flags.key)}\` holds a ${type ?? 'unknown'} key`, { help: 'envelopes are signed with EC P-256 (ES256), P-384 (ES384) or Ed25519 (EdDSA) keys' });
  }
  return { key, kid: flags.kid };
}
