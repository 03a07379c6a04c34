// The shipped workflows: least privilege per job, secrets only as Action inputs, and every input
// they pass to ./action declared by action.yml.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../helpers/cli.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  permissions?: unknown;
  on: Record<string, unknown>;
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
}

const DIR = path.join(REPO, '.github', 'workflows');
const read = (name: string): Workflow => parse(readFileSync(path.join(DIR, name), 'utf8')) as Workflow;
const actionInputs = Object.keys((parse(readFileSync(path.join(REPO, 'action', 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs);

describe('policy workflows', () => {
  const files = ['policy-check.yml', 'policy-comment.yml', 'policy-publish.yml', 'policy-report.yml'];

  it('ships check, the workflow_run comment poster and publish', () => {
    expect(readdirSync(DIR)).toEqual(expect.arrayContaining(files));
    expect(Object.keys(read('policy-check.yml').on)).toEqual(['pull_request']);
    expect(read('policy-comment.yml').on).toEqual({ workflow_run: { workflows: ['policy-check'], types: ['completed'] } });
    expect(read('policy-publish.yml').on).toMatchObject({ push: { branches: ['main'] } });
    expect(read('policy-report.yml').on).toMatchObject({ schedule: [{ cron: expect.any(String) }] });
  });

  it.each(files)('%s: no default permissions, each job asks only for what it uses', (file) => {
    const wf = read(file);
    expect(wf.permissions).toEqual({});
    const expected: Record<string, Record<string, string>> = {
      'policy-check.yml': { contents: 'read', 'pull-requests': 'write' },
      'policy-comment.yml': { actions: 'read', 'pull-requests': 'write' },
      'policy-publish.yml': { contents: 'write', 'pull-requests': 'read', packages: 'write' },
      'policy-report.yml': { actions: 'read', contents: 'write', 'pull-requests': 'write' },
    };
    for (const job of Object.values(wf.jobs)) expect(job.permissions).toEqual(expected[file]);
  });

  it.each(files)('%s: secrets reach only Action inputs, never a shell line, and inputs exist', (file) => {
    const text = readFileSync(path.join(DIR, file), 'utf8');
    for (const job of Object.values(read(file).jobs)) {
      for (const step of job.steps) {
        if (step.run) expect(step.run).not.toMatch(/secrets\.|github\.token|GITHUB_TOKEN/);
        if (step.uses === './action') for (const name of Object.keys(step.with ?? {})) expect(actionInputs).toContain(name);
        if (step.uses?.startsWith('actions/checkout')) expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
    // The comment poster must never run the pull request's code.
    if (file === 'policy-comment.yml') expect(text).not.toMatch(/ref:\s*\$\{\{\s*github\.event\.workflow_run\.head/);
  });
});
