const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/** Seconds of a short duration as the policy language writes it (`90s`, `15m`, `12h`); null when it is not one. */
export function durationSeconds(duration: string): number | null {
  const m = /^([0-9]{1,6})([smh])$/.exec(duration);
  if (!m) return null;
  return Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? 1);
}
