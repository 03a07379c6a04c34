// Host imports of the OPA Wasm ABI (module `env`) and the fatal-error path.
// Every message handed to the host must be NUL-terminated UTF-8 in linear memory; AssemblyScript
// literals are static UTF-16 objects, so ASCII literals are narrowed into a static buffer first.

@external("env", "opa_abort")
declare function host_opa_abort(addr: usize): void;

@external("env", "opa_println")
declare function host_opa_println(addr: usize): void;

@external("env", "opa_builtin0")
declare function host_opa_builtin0(id: i32, ctx: i32): usize;
@external("env", "opa_builtin1")
declare function host_opa_builtin1(id: i32, ctx: i32, a: usize): usize;
@external("env", "opa_builtin2")
declare function host_opa_builtin2(id: i32, ctx: i32, a: usize, b: usize): usize;
@external("env", "opa_builtin3")
declare function host_opa_builtin3(id: i32, ctx: i32, a: usize, b: usize, c: usize): usize;
@external("env", "opa_builtin4")
declare function host_opa_builtin4(id: i32, ctx: i32, a: usize, b: usize, c: usize, d: usize): usize;

const MSG_CAP: i32 = 256;
// Static, not heap: an abort may be caused by the heap itself (opa_malloc: failed).
const MSG_BUF: usize = memory.data(MSG_CAP);

// Copies an ASCII literal into the static message buffer (truncated, NUL-terminated).
function ascii_to_msg(lit: string): usize {
  const p = changetype<usize>(lit);
  let n = lit.length;
  if (n > MSG_CAP - 1) n = MSG_CAP - 1;
  for (let i = 0; i < n; i++) {
    store<u8>(MSG_BUF + <usize>i, <u8>load<u16>(p + (<usize>i << 1)));
  }
  store<u8>(MSG_BUF + <usize>n, 0);
  return MSG_BUF;
}

/** Calls `env.opa_abort` with a NUL-terminated UTF-8 message; hosts throw, so this never returns. */
export function opa_abort_msg(msgPtr: usize): void {
  host_opa_abort(msgPtr);
  unreachable();
}

/** Aborts with an ASCII literal message, e.g. `abort_ascii("opa_malloc: failed")`. */
export function abort_ascii(lit: string): void {
  host_opa_abort(ascii_to_msg(lit));
  unreachable();
}

/** Debug print of a NUL-terminated UTF-8 string through `env.opa_println`. */
export function println_msg(msgPtr: usize): void {
  host_opa_println(msgPtr);
}

/**
 * Calls a host built-in through `env.opa_builtin<argc>` (the `ctx` argument is reserved, 0 as in
 * OPA). Returns the host's value address; 0 means undefined.
 */
export function host_builtin_call(id: i32, argc: i32, a: usize, b: usize, c: usize, d: usize): usize {
  switch (argc) {
    case 0: return host_opa_builtin0(id, 0);
    case 1: return host_opa_builtin1(id, 0, a);
    case 2: return host_opa_builtin2(id, 0, a, b);
    case 3: return host_opa_builtin3(id, 0, a, b, c);
    case 4: return host_opa_builtin4(id, 0, a, b, c, d);
  }
  abort_ascii("too many built-in call arguments");
  return 0;
}

// Target of `--use abort=env/as_abort`: AssemblyScript's own aborts (bounds checks in the std
// library, `unreachable` paths) surface as `opa_abort` instead of an `env.abort` import that no OPA
// host provides.
export function as_abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  if (message !== null) {
    host_opa_abort(ascii_to_msg(message));
  } else {
    host_opa_abort(ascii_to_msg("internal error"));
  }
  unreachable();
}
