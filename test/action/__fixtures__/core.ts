// A stand-in for `@actions/core` (as actions/typescript-action tests do): inputs come from a
// record the test fills, outputs, secrets and failures are recorded for assertions.
import { vi } from 'vitest';

export const inputs: Record<string, string> = {};
export const outputs: Record<string, string> = {};

export const getInput = vi.fn((name: string): string => inputs[name] ?? '');
export const setOutput = vi.fn((name: string, value: string): void => {
  outputs[name] = value;
});
export const setSecret = vi.fn();
export const setFailed = vi.fn();

/** Fresh inputs and no recorded calls, for the next test. */
export function reset(next: Record<string, string>): void {
  for (const key of Object.keys(inputs)) delete inputs[key];
  for (const key of Object.keys(outputs)) delete outputs[key];
  Object.assign(inputs, next);
  vi.clearAllMocks();
}
