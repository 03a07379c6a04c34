import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { escape } from '../../core/untrusted.js';
import type { HttpHeaders } from '../../extract/index.js';
import { GUARD_CODES, GuardError } from '../codes.js';
import { forwardedRequestIds, idKey, mergeResponses, type McpGuard, type Plan } from './guard.js';
import { LineSplitter } from './lines.js';

export interface StdioGuardOptions {
  guard: McpGuard;
  /** The MCP server to spawn, and its arguments (no shell). */
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The client's side: what the client writes (the guard's stdin) and reads (the guard's stdout). */
  input: Readable;
  output: Writable;
  /** Headers every decision reads, as if the calls came over HTTP (the credential the server uses, baggage). */
  headers?: HttpHeaders;
  /** Longest line read in either direction; a longer client line is refused. Default 16 MiB. */
  maxLineBytes?: number;
}

export interface StdioGuard {
  /** The server's exit code (signals as 128 + n), once it exited. */
  readonly exited: Promise<number>;
  /** Ends the server's input and waits for it to exit (killing it after a grace period). */
  stop(): Promise<number>;
}

const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
const STOP_GRACE_MS = 2_000;
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** A batch the client sent, waiting for the server's answers to the requests it forwarded. */
interface PendingBatch {
  plan: Plan;
  waiting: Set<string>;
  responses: Map<string, unknown>;
}

/**
 * MCP over stdio with the guard in the middle: the guard spawns the server and relays
 * newline-delimited JSON-RPC both ways. Client lines are planned by the guard; server lines pass
 * unchanged, except the answers to a batch, which the guard collects and sends back as one array
 * in the batch's order. A batch reaches the server one message per line (MCP servers since
 * 2025-06-18 need not read batches).
 */
export function runStdioGuard(options: StdioGuardOptions): StdioGuard {
  const { guard, input, output } = options;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...options.args], { stdio: ['pipe', 'pipe', 'inherit'], env: options.env ?? {}, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  } catch (e) {
    throw new GuardError(GUARD_CODES.startFailed, `cannot start \`${escape(options.command)}\`: ${(e as Error).message.toLowerCase()}`, { cause: e });
  }
  const toClient = (value: unknown): void => {
    output.write(JSON.stringify(value) + '\n');
  };
  const toServer = (text: string): void => {
    if (child.stdin?.writable === true) child.stdin.write(text + '\n');
  };
  const pending = new Map<string, PendingBatch>();
  const session = 'stdio';
  const headers = options.headers ?? {};

  const fromClient = new LineSplitter(maxLine, (line) => {
    if (line === null) {
      toClient(guard.refuse(GUARD_CODES.unreadableMessage, `the message is not utf-8 or is longer than ${maxLine} bytes`));
      return;
    }
    const plan = guard.plan(line, { headers, session });
    if (!plan.batch) {
      const [slot] = plan.slots;
      if (slot === undefined) return;
      if ('forward' in slot) toServer(slot.forward.text);
      else if ('reply' in slot) toClient(slot.reply);
      return;
    }
    const ids = forwardedRequestIds(plan).map(idKey);
    if (ids.length === 0) {
      for (const slot of plan.slots) if ('forward' in slot) toServer(slot.forward.text);
      const replies = mergeResponses(plan, new Map());
      if (replies.length > 0) toClient(replies);
      return;
    }
    const batch: PendingBatch = { plan, waiting: new Set(ids), responses: new Map() };
    for (const id of ids) pending.set(id, batch);
    for (const slot of plan.slots) if ('forward' in slot) toServer(slot.forward.text);
  });

  const fromServer = new LineSplitter(maxLine, (line) => {
    if (line === null) return;
    const batch = pending.size === 0 ? undefined : batchOf(line);
    if (batch === undefined) {
      output.write(line + '\n');
      return;
    }
    batch.owner.responses.set(batch.key, batch.value);
    batch.owner.waiting.delete(batch.key);
    pending.delete(batch.key);
    if (batch.owner.waiting.size === 0) toClient(mergeResponses(batch.owner.plan, batch.owner.responses));
  });

  /** The pending batch a server line answers, when it is a response to one of its requests. */
  function batchOf(line: string): { owner: PendingBatch; key: string; value: unknown } | undefined {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || 'method' in value || !('id' in value)) return undefined;
    const key = idKey((value as { id: unknown }).id);
    const owner = pending.get(key);
    return owner === undefined ? undefined : { owner, key, value };
  }

  const detach = (): void => {
    input.off('data', onInput);
    input.pause();
  };
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (e) => {
      detach();
      reject(new GuardError(GUARD_CODES.startFailed, `cannot start \`${escape(options.command)}\`: ${e.message.toLowerCase()}`, { cause: e, help: 'give the server command after `--` as you would run it (an executable on PATH and its arguments)' }));
    });
    child.once('close', (code, signal) => {
      fromServer.end();
      detach();
      resolve(code ?? 128 + (signal === null ? 0 : (SIGNAL_NUMBERS[signal] ?? 0)));
    });
  });
  const onInput = (chunk: Buffer | string): void => fromClient.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  input.on('data', onInput);
  input.once('end', () => {
    fromClient.end();
    child.stdin?.end();
  });
  child.stdout?.on('data', (chunk: Buffer) => fromServer.push(chunk));
  // A client that went away must not take the guard down with EPIPE; the server's exit ends the relay.
  child.stdin?.on('error', () => undefined);

  return {
    exited,
    async stop(): Promise<number> {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), STOP_GRACE_MS);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
