import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The document kinds of the policy language, each with its schema file in `schemas/`. */
export const KIND_SCHEMAS = {
  Api: 'api.schema.json',
  Policy: 'policy.schema.json',
  Token: 'token.schema.json',
  Overrides: 'overrides.schema.json',
  Replay: 'replay.schema.json',
  TestSuite: 'test-suite.schema.json',
  Inventory: 'inventory.schema.json',
  IdentityIssuer: 'identity-issuer.schema.json',
} as const;

export type Kind = keyof typeof KIND_SCHEMAS;
export const KINDS = Object.keys(KIND_SCHEMAS) as Kind[];

/** Schemas that are referenced by others but are not document kinds. */
export const SUPPORT_SCHEMAS = ['common.schema.json', 'decision-input.schema.json', 'decision.schema.json'] as const;

// src/schemas/index.ts and dist/schemas/index.js both sit two levels below the package root.
export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

export type JsonSchema = Record<string, unknown>;

const cache = new Map<string, JsonSchema>();

export function readSchema(file: string): JsonSchema {
  let schema = cache.get(file);
  if (!schema) {
    schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as JsonSchema;
    cache.set(file, schema);
  }
  return schema;
}

export function allSchemaFiles(): string[] {
  return [...SUPPORT_SCHEMAS, ...Object.values(KIND_SCHEMAS)];
}
