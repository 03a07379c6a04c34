// A count of the ABI calls through which a host may change values already in memory (parse new
// data, add or remove a path, free, move the heap pointer). What the engine remembers about the
// bundle data between decisions (engine/engine.ts data_stable) holds for one count only.

let epoch: u32 = 0;

/** Called by every ABI export that may change or release values in memory. */
export function memory_changed(): void {
  epoch++;
}

export function memory_epoch(): u32 {
  return epoch;
}
