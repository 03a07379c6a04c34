import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { createEnforcer, ENFORCE_CODES, type DecisionLogOptions } from '../../enforce/index.js';
import { parseInventoryFile, type Inventory } from '../../extract/index.js';
import { PROXY_CODES, ProxyError, startReverseProxy } from '../../proxy/index.js';
import { readLocalCa } from '../../proxy/forward/index.js';
import { startForwardMode } from '../../proxy/forward-mode.js';
import { serveStatus } from '../../enforce/index.js';
import { escape } from '../../core/untrusted.js';
import { errnoText, type CliIo, type CommandModule } from '../command.js';
import { addShutdownOptions, addSourceOptions, addStalenessOptions, overrideFromEnv, serveUntilSignal, sourceFromFlags, stalenessFromFlags, type ShutdownFlags, type SourceFlags, type StalenessFlags } from '../enforcer-flags.js';
import { addVerificationOptions, verificationConfigFromFlags, type VerificationFlags } from '../verification.js';
import { HEAP_TUNING_ENV } from '../young-generation.js';

interface ProxyFlags extends VerificationFlags, SourceFlags, ShutdownFlags {
  bundle: string;
  upstream: string[];
  listen: string;
  forward?: boolean;
  ca?: string;
  allowTunnel?: string[];
  statusListen?: string;
  inventory?: string;
  decisionLog?: string;
  upstreamCa?: string;
  persistDir?: string;
  maxBodyBytes?: number;
  maxDataBytes?: number;
  upstreamTimeout?: number;
}


const EXAMPLES = `
Examples:
  $ blastguard proxy --bundle https://bundles.example/railway.tar.gz --verification-key key.pem \\
      --upstream railway=https://backboard.railway.com --listen 127.0.0.1:8080
  $ curl -H "authorization: Bearer $RAILWAY_TOKEN" -H 'content-type: application/json' \\
      -d '{"query":"{ me { id } }"}' http://127.0.0.1:8080/graphql/v2
  $ blastguard proxy ca init --out ~/.blastguard/ca
  $ blastguard proxy --forward --ca ~/.blastguard/ca --bundle … --verification-key key.pem --listen 127.0.0.1:3128
  $ HTTPS_PROXY=http://127.0.0.1:3128 NODE_EXTRA_CA_CERTS=~/.blastguard/ca/ca-cert.pem some-cli …
  $ HTTPS_PROXY=http://127.0.0.1:3128 AWS_CA_BUNDLE=~/.blastguard/ca/ca-cert.pem aws s3 ls
  $ HTTPS_PROXY=http://127.0.0.1:3128 SSL_CERT_FILE=roots-and-ca.pem railway up --detach

AWS clients sign the Host header (SigV4): run them through --forward, never the reverse proxy.

Every operation of a request is decided; a deny forwards nothing and answers 403 (GraphQL errors
with extensions.code BLASTGUARD_DENIED, or RFC 9457 problem details). The upstream receives the
canonical request that was decided, never the bytes the client sent. /healthz, /readyz and
/metrics are served on the same address. On SIGINT or SIGTERM it drains: stops accepting, answers
/readyz 503, closes idle connections and lets requests in flight finish (--shutdown-grace, default
25 s), then exits 0.
WebSocket upgrades (GraphQL subscriptions, \`railway up\` log streaming) are not relayed: 501,
BG781.

It serves from a worker thread whose V8 young generation is sized for a proxy (semi-spaces of
16 MiB growing to 64 MiB: far fewer collections under load, about 100 MiB more peak memory).
That young generation (up to 3 x 64 MiB) comes on top of --max-old-space-size.
Heap sizing flags of your own take precedence (--max-semi-space-size in NODE_OPTIONS,
--min-semi-space-size, --max-semi-space-size or --max-heap-size on node's command line);
${HEAP_TUNING_ENV}=off keeps Node's defaults.
`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function listenAddress(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !(port >= 0 && port <= 65535)) {
    throw new ProxyError(PROXY_CODES.invalidConfig, `\`--listen ${value}\` is not HOST:PORT`, { help: 'write e.g. `--listen 127.0.0.1:8080`' });
  }
  return { host: m[1] ?? m[2]!, port };
}

function upstreamsOf(values: readonly string[]): { api: string; url: string }[] {
  return values.map((value) => {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) throw new ProxyError(PROXY_CODES.invalidConfig, `\`--upstream ${value}\` is not API=URL`, { help: 'write e.g. `--upstream railway=https://backboard.railway.com`' });
    return { api: value.slice(0, at), url: value.slice(at + 1) };
  });
}

function decisionLogOf(target: string | undefined, io: CliIo): DecisionLogOptions | undefined {
  if (target === undefined) return undefined;
  if (/^https?:\/\//i.test(target)) return { upload: { url: target } };
  return { file: { path: path.resolve(io.cwd, target) } };
}

async function readText(file: string, io: CliIo, what: string): Promise<string> {
  try {
    return await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new ProxyError(PROXY_CODES.invalidConfig, `cannot read ${what} \`${file}\`: ${errnoText(e)}`);
  }
}

/** `--max-body-bytes` and `--max-data-bytes`: positive whole numbers of bytes. */
function bodyLimitsOf(flags: Pick<ProxyFlags, 'maxBodyBytes' | 'maxDataBytes'>): { maxBodyBytes?: number; maxDataBytes?: number } {
  const out: { maxBodyBytes?: number; maxDataBytes?: number } = {};
  for (const [flag, key] of [['--max-body-bytes', 'maxBodyBytes'], ['--max-data-bytes', 'maxDataBytes']] as const) {
    const value = flags[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) throw new ProxyError(PROXY_CODES.invalidConfig, `\`${flag}\` must be a positive whole number of bytes`, { help: `write e.g. \`${flag} 8388608\`` });
    out[key] = value;
  }
  return out;
}

/**
 * `BLASTGUARD_PROXY_HEAP_TUNING`: `on` (the default) or `off`. bin.ts acts on it before this
 * command runs; a value it does not know is refused here rather than read as either.
 */
function heapTuningFromEnv(env: CliIo['env']): void {
  const value = env[HEAP_TUNING_ENV];
  if (value === undefined || value === '' || value === 'on' || value === 'off') return;
  throw new ProxyError(PROXY_CODES.invalidConfig, `${HEAP_TUNING_ENV} \`${escape(value)}\` is neither \`on\` nor \`off\``, {
    help: `leave it unset for the young generation sized for a proxy, or set ${HEAP_TUNING_ENV}=off for Node's defaults`,
  });
}

export const proxyCommand: CommandModule = {
  name: 'proxy',
  register(program: Command, io, setExit) {
    const command = program
      .command('proxy')
      .description('Run the egress proxy: decide every operation of every request with the signed bundle, forward the canonical request or refuse it')
      // Checked in the action, not as required options: commander would demand them of `proxy ca init` too.
      .option('--bundle <source>', 'bundle location: a path, an `https://` url or an `oci://` reference (required)')
      .option('--upstream <API=URL>', 'an api of the catalog and where its calls go (repeatable; in --forward mode an override of the host the client named)', collect, [])
      .option('--listen <HOST:PORT>', 'address to listen on (required)')
      .option('--forward', 'forward-proxy mode: accept CONNECT from clients honouring HTTPS_PROXY and intercept the hosts of declared apis')
      .option('--ca <dir>', 'in --forward mode, the local CA `blastguard proxy ca init` wrote')
      .option('--allow-tunnel <host>', 'in --forward mode, a host (or host:port) tunnelled blind, undecided (repeatable)', collect, [])
      .option('--status-listen <HOST:PORT>', 'in --forward mode, where /healthz, /readyz and /metrics are served')
      .option('--inventory <file>', 'runtime inventory (`kind: Inventory` documents), instead of the one the bundle declares')
      .option('--decision-log <file|url>', 'write decision-log events to a file, or upload them to an OPA-compatible collector')
      .option('--upstream-ca <file>', 'extra PEM trust anchors for upstream TLS (verification stays on)')
      .option('--poll-interval <seconds>', 'check the bundle source this often (default: 60 to 120 s, OPA\'s polling)', (v) => Number(v))
      .option('--persist-dir <dir>', 'start from (and keep) the last good bundle here')
      .option('--max-body-bytes <n>', 'largest request body the proxy parses, after inflating (default 1048576); larger bodies get 413', (v) => Number(v))
      .option('--upstream-timeout <seconds>', 'how long the upstream may stay silent, before its answer starts or within it, before the call gets 504 (default 30; for mcp apis the mcp-guard\'s 300)', (v) => Number(v))
      .option('--max-data-bytes <n>', 'largest body of object data forwarded unparsed, e.g. an S3 PutObject or UploadPart (default 67108864); larger bodies get 413', (v) => Number(v))
      .addHelpText('after', EXAMPLES);
    addShutdownOptions(addStalenessOptions(addSourceOptions(addVerificationOptions(command, false))), 'requests').action(async (flags: ProxyFlags & StalenessFlags) => {
      heapTuningFromEnv(io.env);
      if (flags.bundle === undefined) throw new ProxyError(PROXY_CODES.invalidConfig, 'the proxy needs a bundle', { help: 'pass `--bundle` (a path, an `https://` url or an `oci://` reference)' });
      if (flags.verificationKey === undefined) throw new ProxyError(PROXY_CODES.invalidConfig, 'the proxy needs the key bundles are verified with', { help: 'pass `--verification-key FILE` (the public key `blastguard keygen` wrote)' });
      if (flags.listen === undefined) throw new ProxyError(PROXY_CODES.invalidConfig, 'the proxy needs an address to listen on', { help: 'pass e.g. `--listen 127.0.0.1:8080`' });
      const forward = flags.forward === true;
      if (forward && flags.ca === undefined) throw new ProxyError(PROXY_CODES.invalidConfig, '`--forward` needs the local CA', { help: 'create one with `blastguard proxy ca init --out DIR` and pass `--ca DIR`' });
      if (!forward && (flags.ca !== undefined || (flags.allowTunnel ?? []).length > 0 || flags.statusListen !== undefined)) {
        throw new ProxyError(PROXY_CODES.invalidConfig, '`--ca`, `--allow-tunnel` and `--status-listen` are for `--forward` mode', { help: 'add `--forward`, or leave them out' });
      }
      const listen = listenAddress(flags.listen);
      const statusListen = flags.statusListen === undefined ? undefined : listenAddress(flags.statusListen);
      const upstreams = upstreamsOf(flags.upstream);
      const bodyLimits = bodyLimitsOf(flags);
      if (flags.upstreamTimeout !== undefined && !(flags.upstreamTimeout > 0 && flags.upstreamTimeout <= 86_400)) {
        throw new ProxyError(PROXY_CODES.invalidConfig, '`--upstream-timeout` must be a number of seconds above 0, at most 86400', { help: 'write e.g. `--upstream-timeout 300` for upstreams with long calls' });
      }
      if (!forward && upstreams.length === 0) throw new ProxyError(PROXY_CODES.invalidConfig, 'the reverse proxy needs at least one upstream', { help: 'pass e.g. `--upstream railway=https://backboard.railway.com` (repeatable), or run `--forward`' });
      const verification = await verificationConfigFromFlags(flags, io);
      const ca = flags.ca === undefined ? undefined : await readLocalCa(path.resolve(io.cwd, flags.ca));
      const upstreamCa = flags.upstreamCa === undefined ? undefined : await readText(flags.upstreamCa, io, 'upstream ca');
      const override = overrideFromEnv(io.env);
      const decisionLogs = decisionLogOf(flags.decisionLog, io);
      const enforcer = createEnforcer({
        source: sourceFromFlags(flags.bundle, flags, io),
        verification,
        ...(flags.persistDir === undefined ? {} : { persistDir: path.resolve(io.cwd, flags.persistDir) }),
        ...(override === undefined ? {} : { override }),
        ...(decisionLogs === undefined ? {} : { decisionLogs }),
        ...stalenessFromFlags(flags),
        onWarning: (m) => io.stderr(`warning: ${m}\n`),
      });
      // The first check, now: a proxy that cannot activate a verified bundle does not start.
      await enforcer.refresh();
      const status = enforcer.status();
      if (!status.ready) {
        await enforcer.close();
        const last = status.last_error;
        throw new BlastguardError(last?.code ?? ENFORCE_CODES.notReady, last?.message ?? 'no bundle could be activated', { help: 'check the bundle location and the verification key; `blastguard pull` shows the same steps' });
      }
      // The api catalog is the verified bundle's: upstreams and the inventory are checked against it.
      const catalog = enforcer.catalog();
      if (catalog === null) {
        await enforcer.close();
        throw new ProxyError(PROXY_CODES.invalidConfig, `bundle revision \`${status.active_revision ?? ''}\` carries no api catalog`, { help: 'rebuild and republish it with a current `blastguard build` (it writes `catalog.json`)' });
      }
      for (const u of upstreams) {
        if (!catalog.apis.some((a) => a.name === u.api)) {
          await enforcer.close();
          throw new ProxyError(PROXY_CODES.invalidConfig, `\`--upstream ${u.api}=…\` names no api of the catalog`, { help: `declared apis: ${catalog.apis.map((a) => `\`${a.name}\``).join(', ')}` });
        }
      }
      let inventories: Map<string, Inventory> | undefined;
      try {
        if (flags.inventory !== undefined) inventories = parseInventoryFile(await readText(flags.inventory, io, 'inventory'), catalog, flags.inventory);
      } catch (e) {
        await enforcer.close();
        throw e;
      }
      const common = {
        enforcer,
        upstreams,
        ...listen,
        ...(inventories === undefined ? {} : { inventories }),
        ...(upstreamCa === undefined ? {} : { upstreamCa }),
        ...(Object.keys(bodyLimits).length === 0 ? {} : { limits: bodyLimits }),
        ...(flags.upstreamTimeout === undefined ? {} : { upstreamTimeoutMs: Math.round(flags.upstreamTimeout * 1000) }),
      };
      const started = forward
        ? Promise.all([
            startForwardMode({ ...common, ca: ca!, allowTunnel: flags.allowTunnel ?? [], onEvent: (e) => io.stderr(`blastguard proxy: ${e.code} ${e.message}\n`) }),
            statusListen === undefined ? Promise.resolve(undefined) : serveStatus(enforcer, statusListen),
          ]).then(([p, statusServer]) => ({ url: p.url, close: async (graceMs?: number) => { await Promise.all([p.close(graceMs), statusServer?.close(graceMs)]); } }))
        : startReverseProxy(common);
      const proxy = await started.catch(async (e: unknown) => {
        await enforcer.close();
        throw e;
      });
      const mode = forward ? `forward proxy (intercepting the hosts of ${catalog.apis.map((a) => `\`${a.name}\``).join(', ')})` : `upstreams ${upstreams.map((u) => `${u.api}=${u.url}`).join(', ')}`;
      io.stderr(`blastguard proxy: listening on ${proxy.url}, bundle revision \`${status.active_revision ?? ''}\`, ${mode}\n`);
      await serveUntilSignal((graceMs) => proxy.close(graceMs), flags, (grace) => io.stderr(`blastguard proxy: draining: no new connections, requests in flight may finish for ${grace} s\n`));
      await enforcer.close();
      setExit(0);
    });
  },
};
