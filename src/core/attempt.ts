/**
 * The largest retry attempt an input may carry (README, "Input check"): an enforcer reads a larger
 * attempt header as malformed, and validation flags a rule whose `attempt.min` is above it.
 */
export const MAX_ATTEMPT = 1_000_000_000;
