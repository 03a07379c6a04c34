import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { isRecord } from '../../core/record.js';
import { escape } from '../../core/untrusted.js';
import { STATUS_PATHS, createEnforcer, statusListener, type Enforcer } from '../../enforce/index.js';
import { GUARD_CODES, GuardError, McpGuard, apiNamed, runStdioGuard, serveHttpGuard, upstreamTlsAgent, type GuardEvent } from '../../guard/index.js';
import type { IrCatalog } from '../../ir/catalog.js';
import { UsageError, errnoText, type CliIo, type CommandModule } from '../command.js';
import { addStalenessOptions, overrideFromEnv, sourceFromFlags, stalenessFromFlags, type StalenessFlags } from '../enforcer-flags.js';
import { addVerificationOptions, verificationConfigFromFlags, type VerificationFlags } from '../verification.js';

interface McpGuardFlags extends VerificationFlags {
  bundle: string;
  api: string;
  catalog?: string;
  listen?: string;
  upstream?: string;
  tokenEnv?: string;
  persistDir?: string;
  decisionLog?: string;
  pollInterval?: number;
  plainHttp?: boolean;
  timeout?: number;
  upstreamTimeout?: number;
  upstreamCa?: string;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

function configError(message: string, help: string): GuardError {
  return new GuardError(GUARD_CODES.invalidConfig, message, { help });
}

/** The api catalog from `--catalog` (what `blastguard ir` prints, or the bare IR). */
async function readCatalog(file: string, io: CliIo): Promise<IrCatalog> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw configError(`cannot read catalog \`${escape(file)}\`: ${errnoText(e)}`, 'pass the file `blastguard ir --dir policies > catalog.json` writes');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw configError(`catalog \`${escape(file)}\` is not valid json`, 'pass the file `blastguard ir --dir policies > catalog.json` writes');
  }
  const ir = isRecord(value) && isRecord(value['ir']) ? value['ir'] : value;
  if (!isRecord(ir) || !Array.isArray(ir['apis'])) throw configError(`catalog \`${escape(file)}\` has no \`apis\` list`, 'pass the file `blastguard ir --dir policies > catalog.json` writes');
  return ir as unknown as IrCatalog;
}

async function readUpstreamCa(file: string, io: CliIo): Promise<string> {
  try {
    return await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw configError(`cannot read upstream ca \`${escape(file)}\`: ${errnoText(e)}`, 'pass a pem file of the ca that issued the upstream\'s certificate');
  }
}

function parseListen(value: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(value);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port >= 0 && port <= 65535)) {
    throw new UsageError(GUARD_CODES.invalidConfig, `--listen \`${escape(value)}\` is not HOST:PORT`, { help: 'e.g. --listen 127.0.0.1:8931' });
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseUpstream(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(GUARD_CODES.invalidConfig, `--upstream \`${escape(value)}\` is not a url`, { help: 'give the mcp endpoint, e.g. --upstream http://127.0.0.1:3001/mcp' });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new UsageError(GUARD_CODES.invalidConfig, `--upstream \`${escape(value)}\` must be an http(s) url without credentials or fragment`, { help: 'e.g. --upstream https://mcp.example.com/mcp' });
  }
  return url;
}

/** One line on stderr per decision that matters (stdout is the protocol in stdio mode). */
function describe(event: GuardEvent): string | null {
  const id = event.id === null ? 'null' : JSON.stringify(event.id);
  switch (event.kind) {
    case 'denied':
    case 'shadow': {
      const v = event.verdict;
      const what = event.kind === 'denied' ? `${GUARD_CODES.denied} denied` : 'shadow: would deny, forwarded';
      return `mcp-guard: ${what} tools/call id ${escape(id)} tool \`${escape(v.tool ?? '')}\` operation \`${escape(v.operation ?? '')}\`: rule \`${escape(v.rule)}\` (decision ${v.decisionId ?? 'none'})`;
    }
    case 'refused':
      return `mcp-guard: ${event.code} refused message id ${escape(id)}: ${event.message}`;
    case 'dropped':
      return `mcp-guard: dropped message about id ${escape(id)}: ${event.message}`;
    case 'allowed':
      return null;
  }
}

/** How long the guard waits for a verified bundle before relaying anyway (every call is denied until one is active). */
const READY_WAIT_MS = 10_000;

async function waitForBundle(enforcer: Enforcer, io: CliIo): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([enforcer.ready.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_WAIT_MS)))]);
  clearTimeout(timer);
  if (!ready) {
    const last = enforcer.status().last_error;
    io.stderr(`warning: mcp-guard: no verified bundle is active yet; every tools/call is denied until one is${last === null ? '' : ` (${last.code} ${last.message})`}\n`);
  }
}

export const mcpGuardCommand: CommandModule = {
  name: 'mcp-guard',
  register(program: Command, io, setExit) {
    const command = program
      .command('mcp-guard')
      .description('Guard an MCP server: decide every tools/call with the signed bundle, answer denied calls with an explicit tool error (stdio: -- <server command…>; http: --listen --upstream)')
      .argument('[server...]', 'the stdio MCP server command and its arguments, after `--`')
      .requiredOption('--bundle <source>', 'bundle location: a path, an `https://` url or an `oci://` reference')
      .requiredOption('--api <name>', 'the mcp api of the catalog the server is')
      .option('--catalog <file>', 'the api catalog (`blastguard ir` output), for bundles that do not carry it')
      .option('--listen <host:port>', 'http mode: serve the guarded endpoint here (with /healthz, /readyz, /metrics)')
      .option('--upstream <url>', 'http mode: the streamable http mcp endpoint guarded')
      .option('--upstream-timeout <seconds>', 'http mode: how long to wait for the upstream\'s response headers (its first byte) before answering 504; a json-response server sends nothing until a tool call ends (default 300)', seconds)
      .option('--upstream-ca <file>', 'http mode: extra pem trust anchors for an https upstream (added to the system roots; verification stays on)')
      .option('--token-env <var>', 'stdio mode: the environment variable holding the credential the server uses; calls are decided as that token')
      .option('--persist-dir <dir>', 'start from (and keep) the last good bundle here')
      .option('--decision-log <file>', 'append decision-log events (json lines) to this file')
      .option('--poll-interval <seconds>', 'check the bundle source this often (default: 60 to 120 s)', seconds)
      .option('--plain-http', 'talk plain http to an `oci://` registry on loopback (tests, a local mirror)')
      .option('--timeout <seconds>', 'per-request time-out of bundle downloads', seconds);
    addStalenessOptions(addVerificationOptions(command, true)).action(async (server: string[], flags: McpGuardFlags & StalenessFlags) => {
      const http = flags.listen !== undefined || flags.upstream !== undefined;
      if (http && (flags.listen === undefined || flags.upstream === undefined)) {
        throw new UsageError(GUARD_CODES.invalidConfig, 'http mode needs both --listen and --upstream', { help: 'e.g. --listen 127.0.0.1:8931 --upstream http://127.0.0.1:3001/mcp' });
      }
      if (http && server.length > 0) throw new UsageError(GUARD_CODES.invalidConfig, 'give either a server command (stdio) or --listen/--upstream (http), not both', { help: 'stdio: blastguard mcp-guard … -- npx some-mcp-server' });
      if (!http && server.length === 0) throw new UsageError(GUARD_CODES.invalidConfig, 'no mcp server to guard', { help: 'stdio: append `-- <server command…>`; http: pass --listen and --upstream' });
      // Timers hold at most 2^31-1 ms; one day is the same bound `proxy --upstream-timeout` takes.
      if (flags.upstreamTimeout !== undefined && flags.upstreamTimeout > 86_400) throw new UsageError(GUARD_CODES.invalidConfig, `--upstream-timeout \`${flags.upstreamTimeout}\` is more than 86400 seconds`, { help: 'write e.g. `--upstream-timeout 900` for tools that run long' });
      if (!http && flags.upstreamTimeout !== undefined) throw new UsageError(GUARD_CODES.invalidConfig, '--upstream-timeout is for http mode; a stdio server has no upstream to wait for', { help: 'leave --upstream-timeout out, or pass --listen and --upstream' });
      if (!http && flags.upstreamCa !== undefined) throw new UsageError(GUARD_CODES.invalidConfig, '--upstream-ca is for http mode; a stdio server has no upstream to reach over tls', { help: 'leave --upstream-ca out, or pass --listen and --upstream' });
      if (http && flags.tokenEnv !== undefined) throw new UsageError(GUARD_CODES.invalidConfig, '--token-env is for stdio mode; over http the client sends its own credential', { help: 'leave --token-env out' });
      const listen = flags.listen === undefined ? undefined : parseListen(flags.listen);
      const upstream = flags.upstream === undefined ? undefined : parseUpstream(flags.upstream);
      const upstreamAgent = flags.upstreamCa === undefined ? undefined : upstreamTlsAgent(await readUpstreamCa(flags.upstreamCa, io));
      const verification = await verificationConfigFromFlags(flags, io);
      // Bundles carry their catalog; `--catalog` overrides it (bundles built before they did).
      const catalog = flags.catalog === undefined ? undefined : await readCatalog(flags.catalog, io);
      if (catalog !== undefined) requireMcpApi(catalog, flags.api);
      let credential: string | undefined;
      if (flags.tokenEnv !== undefined) {
        credential = io.env[flags.tokenEnv];
        if (credential === undefined || credential === '') throw configError(`environment variable \`${escape(flags.tokenEnv)}\` is not set`, 'set it to the credential the server uses (the server receives the same environment)');
      }
      const override = overrideFromEnv(io.env);
      const source = sourceFromFlags(flags.bundle, flags, io);
      const enforcer = createEnforcer({
        source,
        verification,
        ...(catalog === undefined ? {} : { catalog }),
        ...(flags.persistDir === undefined ? {} : { persistDir: path.resolve(io.cwd, flags.persistDir) }),
        ...(flags.decisionLog === undefined ? {} : { decisionLogs: { file: { path: path.resolve(io.cwd, flags.decisionLog) } } }),
        ...(override === undefined ? {} : { override }),
        ...stalenessFromFlags(flags),
        onWarning: (m) => io.stderr(`warning: ${m}\n`),
      });
      const guard = new McpGuard({
        decider: enforcer,
        catalog: () => enforcer.catalog() ?? undefined,
        api: flags.api,
        onEvent: (event) => {
          const line = describe(event);
          if (line !== null) io.stderr(`${line}\n`);
        },
      });
      try {
        await waitForBundle(enforcer, io);
        const active = enforcer.catalog();
        if (active !== null) requireMcpApi(active, flags.api);
        if (upstream !== undefined && listen !== undefined) {
          const served = await serveHttpGuard({
            guard,
            upstream,
            ...listen,
            ...(flags.upstreamTimeout === undefined ? {} : { upstreamTimeoutMs: Math.round(flags.upstreamTimeout * 1000) }),
            ...(upstreamAgent === undefined ? {} : { upstreamAgent }),
            status: { paths: STATUS_PATHS, listener: statusListener(enforcer) },
          });
          io.stderr(`mcp-guard: guarding ${upstream.href} at ${served.url}\n`);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await served.close();
          upstreamAgent?.destroy();
          setExit(0);
          return;
        }
        const [executable, ...args] = server;
        const header = apiNamed(enforcer.catalog() ?? undefined, flags.api)?.tokens.headers[0];
        const headers = credential === undefined || header === undefined ? {} : { [header.name]: header.schemes.length === 0 ? credential : `${header.schemes[0]} ${credential}` };
        const relay = runStdioGuard({ guard, command: executable!, args, env: { ...io.env }, cwd: io.cwd, input: process.stdin, output: process.stdout, headers });
        const stop = (): void => void relay.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          setExit(await relay.exited);
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      } finally {
        await enforcer.close();
      }
    });
  },
};

/** Refuses to start for an `--api` the catalog does not declare as an mcp api. */
function requireMcpApi(catalog: IrCatalog, api: string): void {
  if (apiNamed(catalog, api) !== undefined) return;
  const known = catalog.apis.filter((a) => a.protocol === 'mcp').map((a) => `\`${a.name}\``);
  throw configError(`the catalog has no mcp api \`${escape(api)}\``, known.length === 0 ? 'declare an Api with `protocol: mcp`' : `mcp apis in the catalog: ${known.join(', ')}`);
}

// The guard's flag mistakes are usage errors (exit 2) with the guard's own code.
declare module '../../toolchain/errors.js' {
  interface UsageCodes {
    guard: typeof GUARD_CODES.invalidConfig;
  }
}
