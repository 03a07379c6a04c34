import { compile } from 'json-schema-to-typescript';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { KIND_SCHEMAS, SCHEMA_DIR, readSchema } from './index.js';

// No eslint-disable: the generated code lints clean, and an unused directive is itself a warning.
const BANNER = `// Generated from schemas/*.schema.json by src/schemas/generate.ts. Do not edit by hand:
// run \`npm run gen:types\`; test/schemas/types-drift.test.ts fails when this file is stale.
`;

const TYPE_NAMES: Record<string, string> = {
  'api.schema.json': 'ApiDocument',
  'policy.schema.json': 'PolicyDocument',
  'token.schema.json': 'TokenDocument',
  'overrides.schema.json': 'OverridesDocument',
  'replay.schema.json': 'ReplayDocument',
  'test-suite.schema.json': 'TestSuiteDocument',
  'inventory.schema.json': 'InventoryDocument',
  'identity-issuer.schema.json': 'IdentityIssuerDocument',
  'decision-input.schema.json': 'DecisionInput',
  'decision.schema.json': 'Decision',
};

/** Renders the TypeScript types of every schema, deterministically. */
export async function generateSchemaTypes(): Promise<string> {
  const parts: string[] = [BANNER];
  const files = [...Object.values(KIND_SCHEMAS), 'decision-input.schema.json', 'decision.schema.json'];
  for (const file of files) {
    const schema = { ...readSchema(file), title: TYPE_NAMES[file] };
    const ts = await compile(schema as Parameters<typeof compile>[0], TYPE_NAMES[file] ?? file, {
      bannerComment: '',
      cwd: SCHEMA_DIR,
      additionalProperties: false,
      declareExternallyReferenced: true,
      unreachableDefinitions: false,
      format: true,
      strictIndexSignatures: true,
      style: { singleQuote: true, printWidth: 110 },
      $refOptions: {},
    });
    parts.push(`// ---- ${file}\n${ts}`);
  }
  return dedupeDeclarations(parts.join('\n'));
}

// Shared $defs (metadata, mode, …) are emitted once per schema that references them; keep the first.
function dedupeDeclarations(source: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  const blocks = source.split(/\n(?=(?:\/\*\*[\s\S]*?\*\/\n)?export )/);
  for (const block of blocks) {
    const m = /export (?:type|interface) (\w+)/.exec(block);
    if (m?.[1]) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
    }
    out.push(block);
  }
  return out.join('\n');
}

export const GENERATED_TYPES_FILE = path.resolve(SCHEMA_DIR, '..', 'src', 'schemas', 'types.generated.ts');

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('schemas', 'generate.js'))) {
  writeFileSync(GENERATED_TYPES_FILE, await generateSchemaTypes());
  console.log(`wrote ${path.relative(process.cwd(), GENERATED_TYPES_FILE)}`);
}
