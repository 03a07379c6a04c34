import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { createEnforcer, ENFORCE_CODES, type DecisionLogOptions } from '../../enforce/index.js';
import { parseInventoryFile, type Inventory } from '../../extract/index.js';
import { PROXY_CODES, ProxyError, startReverseProxy } from '../../proxy/index.js';
import { checkPolicies } from '../../toolchain/index.js';
import { errnoText, printDiagnostics, type CliIo, type CommandModule } from '../command.js';
import { addSourceOptions, overrideFromEnv, sourceFromFlags, type SourceFlags } from '../enforcer-flags.js';
import { addVerificationOptions, verificationConfigFromFlags, type VerificationFlags } from '../verification.js';

interface ProxyFlags extends VerificationFlags, SourceFlags {
  bundle: string;
  upstream: string[];
  listen: string;
  policies: string;
  inventory?: string;
  decisionLog?: string;
  upstreamCa?: string;
  persistDir?: string;
  maxBodyBytes?: number;
}

/**
 * Commands that live under `blastguard proxy` (`proxy ca init` for the forward mode): each adds
 * itself to the `proxy` command given. `proxy` alone runs the reverse proxy.
 */
export const PROXY_SUBCOMMANDS: CommandModule[] = [];

const EXAMPLES = `
Examples:
  $ blastguard proxy --bundle https://bundles.example/railway.tar.gz --verification-key key.pem \\
      --upstream railway=https://backboard.railway.com --listen 127.0.0.1:8080
  $ RAILWAY_API_URL=http://127.0.0.1:8080/graphql/v2 railway up

Every operation of a request is decided; a deny forwards nothing and answers 403 (GraphQL errors
with extensions.code BLASTGUARD_DENIED, or RFC 9457 problem details). The upstream receives the
canonical request that was decided, never the bytes the client sent. /healthz, /readyz and
/metrics are served on the same address. Stops on SIGINT or SIGTERM.
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

export const proxyCommand: CommandModule = {
  name: 'proxy',
  register(program: Command, io, setExit) {
    const command = program
      .command('proxy')
      .description('Run the egress proxy: decide every operation of every request with the signed bundle, forward the canonical request or refuse it')
      .requiredOption('--bundle <source>', 'bundle location: a path, an `https://` url or an `oci://` reference')
      .requiredOption('--upstream <API=URL>', 'an api of the catalog and where its calls go (repeatable)', collect)
      .requiredOption('--listen <HOST:PORT>', 'address to listen on')
      .option('--policies <dir>', 'policy directory the api catalog is read from', 'policies')
      .option('--inventory <file>', 'runtime inventory (`kind: Inventory` documents), instead of the one the policies declare')
      .option('--decision-log <file|url>', 'write decision-log events to a file, or upload them to an OPA-compatible collector')
      .option('--upstream-ca <file>', 'extra PEM trust anchors for upstream TLS (verification stays on)')
      .option('--persist-dir <dir>', 'start from (and keep) the last good bundle here')
      .option('--max-body-bytes <n>', 'largest request body read (default 1048576)', (v) => Number(v))
      .addHelpText('after', EXAMPLES);
    for (const sub of PROXY_SUBCOMMANDS) sub.register(command, io, setExit);
    addSourceOptions(addVerificationOptions(command, true)).action(async (flags: ProxyFlags) => {
      const listen = listenAddress(flags.listen);
      const upstreams = upstreamsOf(flags.upstream);
      const verification = await verificationConfigFromFlags(flags, io);
      // The api catalog comes from the policy directory until bundles carry it.
      const checked = await checkPolicies({ dir: flags.policies, cwd: io.cwd });
      printDiagnostics(io, checked.diagnostics, 'human', checked.sources);
      const catalog = checked.ir;
      if (catalog === null) {
        setExit(1);
        return;
      }
      for (const u of upstreams) {
        if (!catalog.apis.some((a) => a.name === u.api)) {
          throw new ProxyError(PROXY_CODES.invalidConfig, `\`--upstream ${u.api}=…\` names no api of the catalog`, { help: `declared apis: ${catalog.apis.map((a) => `\`${a.name}\``).join(', ')}` });
        }
      }
      let inventories: Map<string, Inventory> | undefined;
      if (flags.inventory !== undefined) inventories = parseInventoryFile(await readText(flags.inventory, io, 'inventory'), catalog, flags.inventory);
      const upstreamCa = flags.upstreamCa === undefined ? undefined : await readText(flags.upstreamCa, io, 'upstream ca');
      const override = overrideFromEnv(io.env);
      const decisionLogs = decisionLogOf(flags.decisionLog, io);
      const enforcer = createEnforcer({
        source: sourceFromFlags(flags.bundle, flags, io),
        verification,
        catalog,
        ...(flags.persistDir === undefined ? {} : { persistDir: path.resolve(io.cwd, flags.persistDir) }),
        ...(override === undefined ? {} : { override }),
        ...(decisionLogs === undefined ? {} : { decisionLogs }),
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
      const proxy = await startReverseProxy({
        enforcer,
        upstreams,
        ...listen,
        ...(inventories === undefined ? {} : { inventories }),
        ...(upstreamCa === undefined ? {} : { upstreamCa }),
        ...(flags.maxBodyBytes === undefined ? {} : { limits: { maxBodyBytes: flags.maxBodyBytes } }),
      }).catch(async (e: unknown) => {
        await enforcer.close();
        throw e;
      });
      io.stderr(`blastguard proxy: listening on ${proxy.url}, bundle revision \`${status.active_revision ?? ''}\`, upstreams ${upstreams.map((u) => `${u.api}=${u.url}`).join(', ')}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await proxy.close();
      await enforcer.close();
      setExit(0);
    });
  },
};
