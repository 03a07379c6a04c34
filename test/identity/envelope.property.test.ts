import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EnvelopeError, attenuateEnvelope, issueEnvelope, trustStoreOf, verifyEnvelope, type TrustedIssuer } from '../../src/identity/index.js';
import { testIssuer, testKey } from '../helpers/envelope.js';

const NOW = new Date('2026-04-24T18:00:00Z');
const T = NOW.getTime() / 1000;
const jobs = testKey('jobs-1');
const runner = testKey('runner-1', 'p256');
const ISSUERS: TrustedIssuer[] = [testIssuer('acme-jobs', [jobs]), testIssuer('job-runner', [runner], { tenants: ['*'], originators: ['*'] })];
const root = await issueEnvelope({ issuer: 'acme-jobs', originator: 'user:jer', tenant: 'pocketos', lifetimeSeconds: 600, now: NOW, attenuation: { operations: ['a', 'b'] } }, jobs.signer);
const chain = await attenuateEnvelope(root, { issuer: 'job-runner', now: NOW, attenuation: { operations: ['a'] } }, runner.signer);

/** A refusal is an EnvelopeError with a code; anything else thrown is a bug. */
function outcome(text: string): string {
  try {
    verifyEnvelope(text, trustStoreOf(ISSUERS), T);
    return 'verified';
  } catch (e) {
    if (e instanceof EnvelopeError) return e.code;
    throw e;
  }
}

describe('unseen envelopes', () => {
  test('any change to a signed chain is refused with a code, never verified and never a crash', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat({ max: chain.length - 1 }), fc.constantFrom(...alphabet), (at, ch) => {
        const changed = chain.slice(0, at) + ch + chain.slice(at + 1);
        const result = outcome(changed);
        // base64url's last character may carry unused bits: a change there can decode to the same bytes.
        if (changed === chain || result === 'verified') expect(Buffer.from(changed.split('.')[2] ?? '', 'base64url').equals(Buffer.from(chain.split('.')[2]!, 'base64url')) || changed === chain).toBe(true);
        else expect(result).toMatch(/^BG8[01]\d$/);
      }),
      { numRuns: 400 },
    );
  });

  test('arbitrary text is refused with a code', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.base64String(), { maxLength: 4 }).map((p) => p.join('.'))), (text) => {
        expect(outcome(text)).toMatch(/^BG8[01]\d$/);
      }),
      { numRuns: 300 },
    );
  });
});
