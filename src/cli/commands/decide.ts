import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { createEnforcer, ENFORCE_CODES, EnforceError, type DecisionEvent } from '../../enforce/index.js';
import type { HttpRequest } from '../../extract/index.js';
import { BlastguardError } from '../../core/errors.js';
import { jsonSyntaxLocation } from '../../core/json.js';
import { errnoText, type CliIo, type CommandModule } from '../command.js';
import { addSourceOptions, overrideFromEnv, sourceFromFlags, type SourceFlags } from '../enforcer-flags.js';
import { addVerificationOptions, verificationConfigFromFlags, type VerificationFlags } from '../verification.js';

interface DecideOptions extends VerificationFlags, SourceFlags {
  bundle: string;
  verificationKey: string;
  input?: string;
  request?: string;
  persistDir?: string;
}

const REQUEST_HELP = 'give a json object `{"method": "POST", "url": "https://host/path", "headers": {"name": "value"}, "body": "text"}`';

/** A `--request` document as the HttpRequest `decideRequest` reads (strings only: what a recorded request holds). */
function requestOf(value: unknown, shown: string): HttpRequest {
  const bad = (problem: string): never => {
    throw new EnforceError(ENFORCE_CODES.requestInvalid, `request \`${shown}\` ${problem}`, { help: REQUEST_HELP });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('must be a json object');
  const r = value as Record<string, unknown>;
  if (typeof r['method'] !== 'string' || r['method'] === '') bad('needs a string `method`');
  if (typeof r['url'] !== 'string' || r['url'] === '') bad('needs a string `url`');
  const headers = r['headers'];
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers) || !Object.values(headers).every((v) => typeof v === 'string'))) {
    bad('has `headers` that are not an object of strings');
  }
  if (r['body'] !== undefined && r['body'] !== null && typeof r['body'] !== 'string') bad('has a `body` that is not a string');
  return {
    method: r['method'] as string,
    url: r['url'] as string,
    ...(headers === undefined ? {} : { headers: headers as Record<string, string> }),
    ...(typeof r['body'] === 'string' ? { body: r['body'] } : {}),
  };
}

async function readInput(input: string, io: CliIo): Promise<unknown> {
  let text: string;
  try {
    text = input === '-' ? await io.readStdin() : await readFile(path.resolve(io.cwd, input), 'utf8');
  } catch (e) {
    throw new EnforceError(ENFORCE_CODES.inputUnreadable, `cannot read input \`${input}\`: ${errnoText(e)}`, { help: 'pass a decision input json file, or `--input -` for standard input', cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's message quotes the input (and may span lines); the strict reader locates it without quoting.
    const { line, column, reason } = jsonSyntaxLocation(text) ?? { line: 1, column: 1, reason: 'refused by the json parser' };
    const file = input === '-' ? '<stdin>' : input;
    throw new EnforceError(ENFORCE_CODES.inputNotJson, `input \`${file}\` is not valid json: ${reason}`, {
      file,
      line,
      column,
      help: 'the input is one decision input document (see README "Input")',
    });
  }
}

export const decideCommand: CommandModule = {
  name: 'decide',
  register(program: Command, io, setExit) {
    const command = program
      .command('decide')
      .description('Make one decision through the enforcer path (fetch, verify, activate, decide, log) and print the decision and its decision-log event')
      .requiredOption('--bundle <source>', 'bundle location: a path, an `https://` url or an `oci://` reference')
      .option('--input <file>', 'decision input json file, or `-` for standard input')
      .option('--request <file>', 'an http request as json (`{method, url, headers, body}`), or `-`: read with the bundle\'s api catalog and decided per operation')
      .option('--persist-dir <dir>', 'start from (and keep) the last good bundle here');
    addSourceOptions(addVerificationOptions(command, true)).action(async (options: DecideOptions) => {
      if ((options.input === undefined) === (options.request === undefined)) {
        throw new EnforceError(ENFORCE_CODES.requestInvalid, options.input === undefined ? 'give `--input` or `--request`' : 'give either `--input` or `--request`, not both', {
          help: '`--input` takes a decision input document, `--request` an http request the bundle\'s api catalog reads',
        });
      }
      const verification = await verificationConfigFromFlags(options, io);
      const override = overrideFromEnv(io.env);
      const input = await readInput((options.input ?? options.request)!, io);
      const request = options.request === undefined ? undefined : requestOf(input, options.request === '-' ? '<stdin>' : options.request);
      const events: string[] = [];
      const enforcer = createEnforcer({
        source: sourceFromFlags(options.bundle, options, io),
        verification,
        poll: false,
        ...(options.persistDir === undefined ? {} : { persistDir: path.resolve(io.cwd, options.persistDir) }),
        ...(override === undefined ? {} : { override }),
        decisionLogs: { console: (line) => events.push(line), flushIntervalMs: 3_600_000 },
        onWarning: (m) => io.stderr(`warning: ${m}\n`),
      });
      try {
        await enforcer.refresh();
        const status = enforcer.status();
        if (!status.ready) {
          const last = status.last_error;
          throw new BlastguardError(last?.code ?? ENFORCE_CODES.notReady, last?.message ?? 'no bundle could be activated', { help: 'check the bundle location and the verification key; `blastguard pull` shows the same steps' });
        }
        if (request !== undefined) {
          const decided = enforcer.decideRequest(request);
          await enforcer.flushLogs();
          io.stdout(JSON.stringify({ ...decided, events: events.map((e) => JSON.parse(e) as DecisionEvent) }, null, 2) + '\n');
          setExit(0);
          return;
        }
        const decision = enforcer.decide(input);
        await enforcer.flushLogs();
        const event = events.length > 0 ? (JSON.parse(events[events.length - 1]!) as DecisionEvent) : null;
        io.stdout(JSON.stringify({ decision, event }, null, 2) + '\n');
        setExit(0);
      } finally {
        await enforcer.close();
      }
    });
  },
};
