import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CATALOG_CODES, importCatalog } from '../../catalog/index.js';
import type { CatalogChange, ImportFormat, ImportNote, ImportResult } from '../../catalog/index.js';
import { BlastguardError, isBlastguardError } from '../../core/errors.js';
import { UsageError, errnoText } from '../command.js';
import type { CliIo, CommandModule } from '../command.js';

interface ImportFlags {
  name?: string;
  out?: string;
  host: string[];
  endpoint?: string;
}

const EXAMPLES: Record<ImportFormat, string> = {
  openapi: `
Examples:
  $ blastguard import openapi api.github.com.yaml --name github --out policies/apis/github.yaml
  $ blastguard import openapi swagger.json --host api.example.com > example.yaml
  $ curl -s https://example.com/openapi.json | blastguard import openapi - --host api.example.com

Reads OpenAPI 3.0/3.1 or Swagger 2.0 (JSON or YAML): one operation per method and path, named by
its operationId; classes guessed from method and name, resources from path parameters, marked
\`review:\`. With an existing --out, updates it in place and reports what changed, keeping hand
edits. Notes (BG670-BG674) go to stderr; the catalog is written all at once or not at all.
`,
  graphql: `
Examples:
  $ blastguard import graphql schema.graphql --name railway --host backboard.railway.com --endpoint /graphql/v2 --out policies/apis/railway.yaml
  $ blastguard import graphql introspection.json --host api.example.com

Reads GraphQL SDL or an introspection result (JSON): one operation per Mutation, Subscription and
Query field; classes guessed from the name, resources from id arguments, marked \`review:\`.
With an existing --out, updates it in place and reports what changed, keeping hand edits.
`,
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function readInput(io: CliIo, file: string): Promise<string> {
  if (file === '-') return io.readStdin();
  try {
    return await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new BlastguardError(CATALOG_CODES.unreadable, `cannot read \`${file}\`: ${errnoText(e)}`, { help: 'name the OpenAPI document or GraphQL schema to import, or `-` for standard input', file, cause: e });
  }
}

async function readExisting(io: CliIo, out: string): Promise<string | undefined> {
  try {
    return await readFile(path.resolve(io.cwd, out), 'utf8');
  } catch (e) {
    // No catalog there yet (or a path that cannot hold one: writing it reports that, BG669).
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new BlastguardError(CATALOG_CODES.unreadable, `cannot read the existing catalog \`${out}\`: ${errnoText(e)}`, { help: 'choose an --out file you can read and write, or a new one', file: out, cause: e });
  }
}

/** Writes beside the target, then renames: a reader sees the old catalog or the new one, never half. */
async function writeAtomically(io: CliIo, out: string, text: string): Promise<void> {
  const target = path.resolve(io.cwd, out);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw new BlastguardError(CATALOG_CODES.writeFailed, `cannot write \`${out}\`: ${errnoText(e)}`, { help: 'choose an --out file in a directory you can write to; nothing was written', file: out, cause: e });
  }
}

function noteLine(file: string, note: ImportNote): string {
  const where = note.at ? `${file}:${note.at.line}:${note.at.column}` : file;
  return `${where}: warning ${note.code} ${note.message}\n`;
}

function changeLine(change: CatalogChange): string {
  switch (change.kind) {
    case 'added':
      return `  + ${change.name} (${change.class}, ${change.route})`;
    case 'removed':
      return `  - ${change.name} (${change.route})`;
    case 'route':
      return `  ~ ${change.name}: route ${change.from} -> ${change.to}`;
    case 'class':
      return `  ~ ${change.name}: class ${change.from} -> ${change.to}`;
    case 'class-kept':
      return `  = ${change.name}: class ${change.kept} kept (the import guesses ${change.guess})`;
  }
}

function changeSummary(changes: readonly CatalogChange[]): string {
  const count = (kind: CatalogChange['kind']): number => changes.filter((c) => c.kind === kind).length;
  const parts = [
    [count('added'), 'added'],
    [count('removed'), 'removed'],
    [count('route'), 'route changed'],
    [count('class'), 'class changed'],
    [count('class-kept'), 'hand-edited class kept'],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return shown.length === 0 ? 'no changes' : shown.join(', ');
}

function classSummary(result: ImportResult): string {
  const { destructive, write, read } = result.classes;
  return `${result.operations} operations (${destructive} destructive, ${write} write, ${read} read)`;
}

async function runImport(format: ImportFormat, file: string, flags: ImportFlags, io: CliIo): Promise<number> {
  const text = await readInput(io, file);
  const existing = flags.out === undefined ? undefined : await readExisting(io, flags.out);
  let result: ImportResult;
  try {
    result = importCatalog({
      format,
      text,
      file: file === '-' ? '<stdin>' : file,
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.host.length > 0 ? { hosts: flags.host } : {}),
      ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
      ...(existing !== undefined && flags.out !== undefined ? { existing: { text: existing, file: flags.out } } : {}),
    });
  } catch (e) {
    // A flag value the catalog cannot hold is a usage error (exit 2), like an unknown flag.
    if (isBlastguardError(e) && e.code === CATALOG_CODES.invalidOption) throw new UsageError(e.code, e.message, { ...(e.help ? { help: e.help } : {}), cause: e });
    throw e;
  }
  for (const note of result.notes) io.stderr(noteLine(file, note));
  if (flags.out === undefined) {
    io.stdout(result.text);
    return 0;
  }
  const unchanged = existing === result.text;
  if (!unchanged) await writeAtomically(io, flags.out, result.text);
  if (result.changes === null) {
    io.stdout(`wrote ${flags.out}: api \`${result.name}\`, ${classSummary(result)}; check each class and every \`review:\` comment\n`);
  } else {
    io.stdout(`${unchanged ? 'up to date' : 'updated'} ${flags.out}: ${changeSummary(result.changes)}; ${classSummary(result)}\n`);
    for (const change of result.changes) io.stdout(`${changeLine(change)}\n`);
  }
  return 0;
}

export const importCommand: CommandModule = {
  name: 'import',
  register(program: Command, io, setExit) {
    const group = program.command('import').description('Write an Api catalog from an OpenAPI/Swagger document or a GraphQL schema');
    const formats: [ImportFormat, string, string][] = [
      ['openapi', 'openapi <file>', 'Import an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML; `-` for stdin)'],
      ['graphql', 'graphql <schema>', 'Import a GraphQL schema: SDL or an introspection result (JSON; `-` for stdin)'],
    ];
    for (const [format, usage, description] of formats) {
      const sub = group
        .command(usage)
        .description(description)
        .option('--name <name>', 'metadata.name of the Api (default: the document title or file name)')
        .option('--out <file>', 'write the catalog here, updating it if it exists (default: stdout)')
        .option('--host <host>', 'a host name of the API; repeat for several (default: the document\'s servers)', collect, [] as string[]);
      if (format === 'graphql') sub.option('--endpoint <path>', 'path of the GraphQL endpoint, e.g. /graphql');
      sub
        .addHelpText('after', EXAMPLES[format])
        .exitOverride()
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .action(async (file: string, flags: ImportFlags) => {
          setExit(await runImport(format, file, flags, io));
        });
    }
  },
};
