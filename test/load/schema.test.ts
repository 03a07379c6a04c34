import { describe, expect, it } from 'vitest';
import { loadDocumentsFromText } from '../../src/load/index.js';
import { where } from '../helpers/diagnostics.js';
import { yaml } from '../helpers/fs.js';
import { API_RAILWAY, policy, token } from '../helpers/policies.js';

const load = (text: string) => loadDocumentsFromText('p.yaml', text);

describe('schema diagnostics', () => {
  it('locates a missing required property at the parent mapping key', () => {
    const { diagnostics, documents } = load(API_RAILWAY.replace('  protocol: graphql\n', ''));
    expect(where(diagnostics)).toEqual(['BG020@4:1']);
    expect(diagnostics[0]?.message).toBe('missing required property `protocol` in `spec`');
    expect(documents).toEqual([]);
  });

  it('locates a missing top-level property at the start of its document', () => {
    const { diagnostics } = load(yaml('apiVersion: blastguard.dev/v1', 'kind: Overrides', 'metadata: { name: global }'));
    expect(where(diagnostics)).toEqual(['BG020@1:1']);
    expect(diagnostics[0]?.message).toBe('missing required property `spec`');
    const second = load(`${API_RAILWAY}---\n# a comment\nkind: Overrides\napiVersion: blastguard.dev/v1\n`).diagnostics;
    expect(where(second)).toEqual(['BG020@17:1', 'BG020@17:1']);
    expect(second.map((d) => d.message)).toEqual(['missing required property `metadata`', 'missing required property `spec`']);
  });

  it('names a `!!binary` value as binary data, not a mapping', () => {
    const { diagnostics } = load(yaml('apiVersion: blastguard.dev/v1', 'kind: Overrides', 'metadata: { name: !!binary aGVsbG8= }', 'spec: { enforcement: normal }'));
    expect(where(diagnostics)).toEqual(['BG022@3:28']);
    expect(diagnostics[0]?.message).toBe('`metadata.name` must be a string, not binary data (a `!!binary` value)');
  });

  it('says yaml merge keys are not supported', () => {
    const { diagnostics } = load(
      yaml('apiVersion: blastguard.dev/v1', 'kind: Overrides', 'metadata: { name: global }', 'spec:', '  <<: { enforcement: normal }', '  enforcement: normal'),
    );
    expect(where(diagnostics)).toEqual(['BG021@5:3']);
    expect(diagnostics[0]?.message).toBe('yaml merge keys (`<<`) are not supported (in `spec`)');
    const ops = load(API_RAILWAY.replace('  operations:\n', '  operations:\n    <<: { x: { class: read } }\n')).diagnostics;
    expect(where(ops)).toEqual(['BG021@11:5']);
  });

  it('explains conditional requirements (reason for deny rules) at the rule', () => {
    const { diagnostics } = load(policy('p', '    - id: r1', '      mode: deny'));
    expect(where(diagnostics)).toEqual(['BG020@7:7']);
    expect(diagnostics[0]?.message).toBe(
      'missing required property `reason` in `spec.rules[0]` (required when `mode` is `deny` or `shadow`)',
    );
  });

  it('reports an unknown property at its key with a suggestion', () => {
    const { diagnostics } = load(
      policy('p', '    - id: r1', '      match: { opertions: [volumeDelete] }', '      mode: allow'),
    );
    expect(where(diagnostics)).toEqual(['BG021@8:16']);
    expect(diagnostics[0]?.help).toBe('did you mean `operations`?');
  });

  it('lists allowed properties when no suggestion is close', () => {
    const { diagnostics } = load(API_RAILWAY.replace('spec:\n', 'spec:\n  zzzzzzzz: 1\n'));
    expect(where(diagnostics)).toEqual(['BG021@5:3']);
    expect(diagnostics[0]?.help).toMatch(/^allowed properties of `spec`: `protocol`, /);
  });

  it('reports a wrong type at the value', () => {
    const { diagnostics } = load(API_RAILWAY.replace('hosts: [backboard.railway.com]', 'hosts: backboard.railway.com'));
    expect(where(diagnostics)).toEqual(['BG022@6:10']);
    expect(diagnostics[0]?.message).toBe('`spec.hosts` must be a list, not a string');
  });

  it('reports an enum violation with the allowed values', () => {
    const { diagnostics } = load(API_RAILWAY.replace('write: shadow', 'write: shadw'));
    expect(where(diagnostics)).toEqual(['BG023@9:35']);
    expect(diagnostics[0]?.help).toBe('did you mean `shadow`? allowed values: `allow`, `shadow` and `deny`');
  });

  it('reports a pattern violation with the expected format', () => {
    const { diagnostics } = load(API_RAILWAY.replace('name: railway', 'name: Railway_API'));
    expect(where(diagnostics)).toEqual(['BG024@3:19']);
    expect(diagnostics[0]?.help).toContain('lowercase letters, digits and `-`');
  });

  it('reports an invalid operation name key (propertyNames) at the key', () => {
    const { diagnostics } = load(API_RAILWAY.replace('    project: {', '    "bad name": {'));
    expect(where(diagnostics)).toEqual(['BG024@14:5']);
    expect(diagnostics[0]?.message).toBe('`spec.operations` has invalid key `bad name`');
  });

  it('collapses oneOf noise into one diagnostic', () => {
    const { diagnostics } = load(
      policy('p', '    - id: r1', '      match: { identity: { originator: someone } }', '      mode: allow'),
    );
    expect(where(diagnostics)).toEqual(['BG028@8:40']);
    expect(diagnostics[0]?.message).toBe(
      '`spec.rules[0].match.identity.originator` must be `present`, `absent` or a list',
    );
  });

  it('keeps the plausible oneOf branch: a list with a bad entry', () => {
    const { diagnostics } = load(
      policy('p', '    - id: r1', '      match: { identity: { originator: [""] } }', '      mode: allow'),
    );
    expect(where(diagnostics)).toEqual(['BG025@8:41']);
  });

  it('reports duplicate list entries at the repeat', () => {
    const { diagnostics } = load(API_RAILWAY.replace('environments: [production, staging]', 'environments: [production, production]'));
    expect(where(diagnostics)).toEqual(['BG026@7:30']);
  });

  it('reports too few entries', () => {
    const { diagnostics } = load(API_RAILWAY.replace('hosts: [backboard.railway.com]', 'hosts: []'));
    expect(where(diagnostics)).toEqual(['BG025@6:10']);
    expect(diagnostics[0]?.message).toBe('`spec.hosts` must have at least 1 entry');
  });

  it('reports properties that cannot be combined', () => {
    const text = yaml(
      'apiVersion: blastguard.dev/v1',
      'kind: Replay',
      'metadata: { name: r }',
      'spec:',
      '  title: t',
      '  date: 2026-04-25',
      '  sources: [{ url: "https://example.com" }]',
      '  steps:',
      '    - name: s',
      '      time: 2026-04-25T00:00:00Z',
      '      request: { method: POST, url: "https://x", body: "{}", json: {} }',
      '      expect: [{ operation: volumeDelete, mode: deny }]',
    );
    const { diagnostics } = load(text);
    expect(where(diagnostics)).toEqual(['BG027@11:62']);
  });

  it('reports every problem of a document, not just the first', () => {
    const { diagnostics } = load(
      token('t1').replace('api: railway', 'api: Railway').replace('environments: [staging]', 'environments: [Staging]'),
    );
    expect(where(diagnostics)).toEqual(['BG024@5:8', 'BG024@9:58']);
  });

  it('never echoes a credential-looking value in a message', () => {
    const secret = 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z';
    const { diagnostics } = load(API_RAILWAY.replace('name: railway', `name: ${secret}`));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).not.toContain(secret);
    expect(diagnostics[0]?.message).toContain('ghp_…');
  });
});

describe('schema diagnostics: one problem, one diagnostic', () => {
  it('reports a misspelled required property once, as unknown with a suggestion', () => {
    const { diagnostics } = load(API_RAILWAY.replace('  protocol: graphql', '  protocl: graphql'));
    expect(where(diagnostics)).toEqual(['BG021@5:3']);
    expect(diagnostics[0]?.help).toBe('did you mean `protocol`?');
  });

  it('says a value is empty rather than of type null', () => {
    const { diagnostics } = load(policy('p', '    - id: r1', '      mode: allow').replace('api: railway', 'api:'));
    expect(where(diagnostics)).toEqual(['BG022@5:3']);
    expect(diagnostics[0]?.message).toBe('`spec.api` is empty; it must be a string');
  });
});
