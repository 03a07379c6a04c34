// The decision engine: interprets the compiled program (see src/compile/program.ts for the
// layout) against one input and the bundle data, and builds the Decision value.
//
// Everything runs over raw memory: strings are (pointer, length) pairs into the input, the data
// or the program blob; the only allocations are the decision value (or its text, or its key)
// and the few reason strings that embed input text, all on the runtime heap that opa_eval resets
// per call. Lookups remembered across calls (blastguard_eval only) live in memory the host lends.
import {
  value_type, bool_get, string_ptr, string_len, number_plain_int, array_len, array_get, object_get,
  object_find, object_key_at, object_value_at,
  make_null, make_bool, make_string, make_array, array_push, make_object, object_insert,
  make_number_i32, TYPE_NULL, TYPE_NUMBER, TYPE_BOOLEAN, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT,
} from "../value";
import { alloc, mem_copy } from "../alloc";
import { opa_abort_msg } from "../env";
import * as F from "./fixed";
import {
  has_program, ref_addr, str_ptr, str_len, fs_ptr, fs_len, API_COUNT, API_TABLE,
} from "./program";
import { bytes_eq, bytes_cmp, fixed_eq, parse_time_at, time_sec, time_ns, classify_by_name } from "./text";
import { set_arguments, program_args_hold, data_args_hold } from "./arguments";
import { input_type, slot_type, slot_ptr, slot_len, slots_from_value } from "./input";
import { note_output, hash_bytes } from "./outputs";
import { memory_epoch } from "../epoch";

const MODE_ALLOW: i32 = 0;
const MODE_SHADOW: i32 = 1;
const MODE_DENY: i32 = 2;
const ENF_NORMAL: i32 = 0;
const ENF_SHADOW_ALL: i32 = 1;
const ENF_LOCKDOWN: i32 = 2;
const CLASS_DESTRUCTIVE: i32 = 2;
const TOKEN_MISSING: i32 = 0;
const TOKEN_UNKNOWN: i32 = 1;
const TOKEN_KNOWN: i32 = 2;

// Program record layouts (offsets in bytes), mirrored from src/compile/program.ts.
const API_NAME: usize = 0;
const API_ENVS: usize = 4;
const API_PROTECTED: usize = 8;
const API_DEFAULTS: usize = 12; // u8 read, write, destructive, tokens.missing
const API_TOKENS_UNKNOWN: usize = 16; // u8
const API_CHECK_MASK: usize = 17; // u8
const API_REQUIRE_EXPIRY: usize = 18; // u8
const API_UNKNOWN_REASON: usize = 20;
const API_OP_COUNT: usize = 24;
const API_OP_TABLE: usize = 28;
const API_LISTS: usize = 32; // 3 × u32, by class
const OP_SIZE: usize = 20; // name, class (3 = by name), lists[3]
const RULE_ID: usize = 0;
const RULE_REASON: usize = 4;
const RULE_MODE: usize = 8;
const RULE_ORIGINATOR: usize = 9;
const RULE_TENANT: usize = 10;
const RULE_VERIFIED: usize = 11;
const RULE_ENVS: usize = 12;
const RULE_KINDS: usize = 16;
const RULE_IDS: usize = 20;
const RULE_PROJECTS: usize = 24;
const RULE_TOKENS: usize = 28;
const RULE_ORIGINATOR_SET: usize = 32;
const RULE_TENANT_SET: usize = 36;
const RULE_HAS_ATTEMPT: usize = 40;
const RULE_ARGUMENTS: usize = 44;
const RULE_MIN: usize = 48;
const RULE_MAX: usize = 56;
const COND_PRESENT: u8 = 1;
const COND_ABSENT: u8 = 2;
const COND_IN: u8 = 3;

// A finding: [u8 violation kind][u8 mode][pad 2][rule ptr][rule len][reason ptr][reason len]
// [token ptr][token len, -1 none]
const FINDING_SIZE: usize = 28;

// ---- per-decision state ----------------------------------------------------------------------
let api_p: usize = 0;
let api_l: i32 = 0;
let op_p: usize = 0;
let op_l: i32 = 0;
let type_p: usize = 0;
let type_l: i32 = -1;
let kind_p: usize = 0;
let kind_l: i32 = -1;
let id_p: usize = 0;
let id_l: i32 = -1;
let env_in_p: usize = 0;
let env_in_l: i32 = -1;
let project_p: usize = 0;
let project_l: i32 = -1;
let fp_p: usize = 0;
let fp_l: i32 = -1;
let orig_p: usize = 0;
let orig_l: i32 = -1;
let tenant_p: usize = 0;
let tenant_l: i32 = -1;
let verified: bool = false;
let attempt: i64 = 1;
let now_sec: i64 = 0;
let now_ns: i32 = 0;

let env_p: usize = 0;
let env_l: i32 = 0;
let cls: i32 = 0;

let enf: i32 = ENF_NORMAL;
let enf_reason_p: usize = 0;
let enf_reason_l: i32 = -1;

let tok_state: i32 = TOKEN_MISSING;
let tok_name_p: usize = 0;
let tok_name_l: i32 = 0;
let tok_expires_p: usize = 0;
let tok_expires_l: i32 = -1;
let tok_exp_sec: i64 = 0;
let tok_exp_ns: i32 = 0;
let tok_grants: usize = 0;

let s_p: usize = 0;
let s_l: i32 = -1;

// ---- input access ----------------------------------------------------------------------------

// Null counts as absent everywhere in the input.
function field(obj: usize, key: i32): usize {
  const v = object_get(obj, fs_ptr(key), fs_len(key));
  if (v != 0 && value_type(v) == TYPE_NULL) return 0;
  return v;
}

// Reads an optional string into s_p/s_l (s_l = -1 when absent); false on a wrong type.
function opt_string(obj: usize, key: i32): bool {
  const v = field(obj, key);
  if (v == 0) {
    s_p = 0;
    s_l = -1;
    return true;
  }
  if (value_type(v) != TYPE_STRING) return false;
  s_p = string_ptr(v);
  s_l = string_len(v);
  return true;
}

// Reads an optional string input field into s_p/s_l (s_l = -1 when absent); false on a wrong type.
function opt_slot_string(k: i32): bool {
  const t = slot_type(k);
  if (t == 0) {
    s_p = 0;
    s_l = -1;
    return true;
  }
  if (t != TYPE_STRING) return false;
  s_p = slot_ptr(k);
  s_l = slot_len(k);
  return true;
}

/** README step 1 over the input's slots (./input), first failing check wins; the reason's fixed string or -1. */
function check_input(): i32 {
  if (input_type != TYPE_OBJECT) return F.R_INPUT_OBJECT;
  let t = slot_type(F.K_API);
  if (t == 0) return F.R_API_MISSING;
  if (t != TYPE_STRING) return F.R_API_STRING;
  if (slot_len(F.K_API) == 0) return F.R_API_NONEMPTY;
  api_p = slot_ptr(F.K_API);
  api_l = slot_len(F.K_API);

  t = slot_type(F.K_OPERATION);
  if (t == 0) return F.R_OPERATION_MISSING;
  if (t != TYPE_OBJECT) return F.R_OPERATION_OBJECT;
  t = slot_type(F.K_NAME);
  if (t == 0) return F.R_OPERATION_NAME_MISSING;
  if (t != TYPE_STRING) return F.R_OPERATION_NAME_STRING;
  if (slot_len(F.K_NAME) == 0) return F.R_OPERATION_NAME_NONEMPTY;
  op_p = slot_ptr(F.K_NAME);
  op_l = slot_len(F.K_NAME);
  if (!opt_slot_string(F.K_TYPE)) return F.R_OPERATION_TYPE_STRING;
  type_p = s_p;
  type_l = s_l;

  kind_l = -1;
  id_l = -1;
  env_in_l = -1;
  project_l = -1;
  t = slot_type(F.K_RESOURCE);
  if (t != 0) {
    if (t != TYPE_OBJECT) return F.R_RESOURCE_OBJECT;
    if (!opt_slot_string(F.K_KIND)) return F.R_RESOURCE_KIND_STRING;
    kind_p = s_p;
    kind_l = s_l;
    if (!opt_slot_string(F.K_ID)) return F.R_RESOURCE_ID_STRING;
    id_p = s_p;
    id_l = s_l;
    if (!opt_slot_string(F.K_ENVIRONMENT)) return F.R_RESOURCE_ENVIRONMENT_STRING;
    env_in_p = s_p;
    env_in_l = s_l;
    if (!opt_slot_string(F.K_PROJECT)) return F.R_RESOURCE_PROJECT_STRING;
    project_p = s_p;
    project_l = s_l;
  }

  fp_l = -1;
  t = slot_type(F.K_TOKEN);
  if (t != 0) {
    if (t != TYPE_OBJECT) return F.R_TOKEN_OBJECT;
    if (!opt_slot_string(F.K_FINGERPRINT)) return F.R_TOKEN_FINGERPRINT_STRING;
    fp_p = s_p;
    fp_l = s_l == 0 ? -1 : s_l;
  }

  orig_l = -1;
  tenant_l = -1;
  verified = false;
  t = slot_type(F.K_IDENTITY);
  if (t != 0) {
    if (t != TYPE_OBJECT) return F.R_IDENTITY_OBJECT;
    if (!opt_slot_string(F.K_ORIGINATOR)) return F.R_IDENTITY_ORIGINATOR_STRING;
    orig_p = s_p;
    orig_l = s_l == 0 ? -1 : s_l;
    if (!opt_slot_string(F.K_TENANT)) return F.R_IDENTITY_TENANT_STRING;
    tenant_p = s_p;
    tenant_l = s_l == 0 ? -1 : s_l;
    if (!opt_slot_string(F.K_CAUSATION)) return F.R_IDENTITY_CAUSATION_STRING;
    t = slot_type(F.K_VERIFIED);
    if (t != 0) {
      if (t != TYPE_BOOLEAN) return F.R_IDENTITY_VERIFIED_BOOLEAN;
      verified = slot_ptr(F.K_VERIFIED) != 0;
    }
  }

  set_arguments(0);
  t = slot_type(F.K_ARGUMENTS);
  if (t != 0) {
    if (t != TYPE_OBJECT) return F.R_ARGUMENTS_OBJECT;
    set_arguments(slot_ptr(F.K_ARGUMENTS));
  }

  attempt = 1;
  t = slot_type(F.K_ATTEMPT);
  if (t != 0) {
    if (t != TYPE_NUMBER) return F.R_ATTEMPT_INTEGER;
    const n = number_plain_int(slot_ptr(F.K_ATTEMPT));
    if (n < 1 || n > 1000000000) return F.R_ATTEMPT_INTEGER;
    attempt = n;
  }

  t = slot_type(F.K_TIME);
  if (t == 0) return F.R_TIME_MISSING;
  if (t != TYPE_STRING || !parse_time_at(1, slot_ptr(F.K_TIME), slot_len(F.K_TIME))) return F.R_TIME_RFC3339;
  now_sec = time_sec;
  now_ns = time_ns;
  return -1;
}

// ---- program lookups -------------------------------------------------------------------------

function find_api(p: usize, n: i32): usize {
  let lo = 0;
  let hi = API_COUNT - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const rec = ref_addr(load<u32>(API_TABLE + (<usize>mid << 2)));
    const name = load<u32>(rec + API_NAME);
    const c = bytes_cmp(str_ptr(name), str_len(name), p, n);
    if (c == 0) return rec;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

// A string set is [u32 count][strref × count], sorted byte-wise. The set's own copy of the
// string (in the program), or 0 when it is not there.
function set_find(set: u32, p: usize, n: i32): usize {
  const base = ref_addr(set);
  let lo = 0;
  let hi = load<i32>(base) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = load<u32>(base + 4 + (<usize>mid << 2));
    const c = bytes_cmp(str_ptr(s), str_len(s), p, n);
    if (c == 0) return str_ptr(s);
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

@inline function set_has(set: u32, p: usize, n: i32): bool {
  return set_find(set, p, n) != 0;
}

// The operation entry for the input's name in `api`'s table, remembered by name (op_slots): the
// program never changes, so a slot whose entry has the name is that name's entry.
function find_op(api: usize): usize {
  // Only blastguard_eval lends the slots' memory for the call (stable).
  if (!stable || op_slots == 0) return search_op(api);
  const h = hash_bytes(op_p, <u32>op_l) ^ <u32>api;
  const slot = op_slots + <usize>(h & (OP_SLOTS - 1)) * OP_SLOT_SIZE;
  if (load<u32>(slot) == h + 1 && <usize>load<u32>(slot, 4) == api) {
    const e = <usize>load<u32>(slot, 8);
    const name = load<u32>(e);
    if (str_len(name) == op_l && bytes_eq(str_ptr(name), op_l, op_p, op_l)) return e;
  }
  const e = search_op(api);
  // Names not in the table are looked up each time (their bytes are the input's, not kept).
  if (e != 0) {
    store<u32>(slot, h + 1);
    store<u32>(slot, <u32>api, 4);
    store<u32>(slot, <u32>e, 8);
  }
  return e;
}

function search_op(api: usize): usize {
  const table = ref_addr(load<u32>(api + API_OP_TABLE));
  let lo = 0;
  let hi = load<i32>(api + API_OP_COUNT) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = table + <usize>mid * OP_SIZE;
    const name = load<u32>(e);
    const c = bytes_cmp(str_ptr(name), str_len(name), op_p, op_l);
    if (c == 0) return e;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

// ---- data access -----------------------------------------------------------------------------

function data_section(data: usize, key: i32): usize {
  if (data == 0 || value_type(data) != TYPE_OBJECT) return 0;
  const bg = object_get(data, fs_ptr(F.K_BLASTGUARD), fs_len(F.K_BLASTGUARD));
  if (bg == 0 || value_type(bg) != TYPE_OBJECT) return 0;
  const v = object_get(bg, fs_ptr(key), fs_len(key));
  if (v == 0 || value_type(v) != TYPE_OBJECT) return 0;
  return v;
}

// ---- data lookups remembered across decisions --------------------------------------------------
// blastguard_eval's host keeps its data value as it is for as long as it decides with it
// (data_stable), so the sections read by fixed keys and each token's record, found by its
// fingerprint, are looked up once instead of by binary search on every decision. opa_eval makes
// no such promise (a host may change the data between calls: opa_value_add_path, a new parse at
// the same address), so it reads the data afresh; and after any ABI call that may change values
// in memory (../epoch) everything is looked up again.

let stable: bool = false;
let known_data: usize = 0;
let known_epoch: u32 = 0;
let known_overrides: usize = 0;
let known_tokens: usize = 0;

// Token records by fingerprint hash, direct-mapped: [hash + 1 u32][key value][record][name]
// [api][expires][grants][pad], value pointers into the data (0 = absent). A slot is trusted only
// when its key's bytes equal the fingerprint. Operations by name hash, likewise: [hash + 1 u32]
// [api record][operation entry][pad], trusted when the entry's name equals the input's. Both live
// in memory the host lends (lookup_memory), so no decision's heap reset touches them.
const TOKEN_SLOTS: u32 = 4096;
const TOKEN_SLOT_SIZE: usize = 32;
const OP_SLOTS: u32 = 4096;
const OP_SLOT_SIZE: usize = 16;
/** Bytes lookup_memory takes for its slots. */
export const LOOKUP_BYTES: usize = <usize>TOKEN_SLOTS * TOKEN_SLOT_SIZE + <usize>OP_SLOTS * OP_SLOT_SIZE;
let token_slots: usize = 0;
let op_slots: usize = 0;

/**
 * The memory (LOOKUP_BYTES, zeroed by the host when lent, never changed by it after) for the
 * remembered lookups; 0 for none. Memory other than the last lent starts empty.
 */
export function lookup_memory(at: usize): void {
  if (at == token_slots && at != 0) return;
  token_slots = at;
  op_slots = at == 0 ? 0 : at + <usize>TOKEN_SLOTS * TOKEN_SLOT_SIZE;
  // Slots another region held are not this one's: the token slots are tied to the data.
  known_data = 0;
}

/** This decision's data is `data`, kept unchanged by the host since the last call that said so. */
export function data_stable(data: usize): void {
  stable = true;
  if (known_data == data && known_epoch == memory_epoch()) return;
  known_data = data;
  known_epoch = memory_epoch();
  known_overrides = data_section(data, F.K_OVERRIDES);
  known_tokens = data_section(data, F.K_TOKENS);
  if (token_slots != 0) for (let i: u32 = 0; i < TOKEN_SLOTS; i++) store<u32>(token_slots + <usize>i * TOKEN_SLOT_SIZE, 0);
}

/** This decision's data may differ from the last one's (opa_eval). */
export function data_unstable(): void {
  stable = false;
}

@inline function stable_for(data: usize): bool {
  return stable && known_data == data;
}

@inline function at_or_after(sec: i64, ns: i32): bool {
  return now_sec > sec || (now_sec == sec && now_ns >= ns);
}

// Missing or malformed overrides mean normal; so does an override whose `expires` has passed.
function read_overrides(data: usize): void {
  enf = ENF_NORMAL;
  enf_reason_l = -1;
  const ov = stable_for(data) ? known_overrides : data_section(data, F.K_OVERRIDES);
  if (ov == 0) return;
  const e = object_get(ov, fs_ptr(F.K_ENFORCEMENT), fs_len(F.K_ENFORCEMENT));
  if (e == 0 || value_type(e) != TYPE_STRING) return;
  const ep = string_ptr(e);
  const el = string_len(e);
  let mode = -1;
  if (fixed_eq(ep, el, F.ENF_NORMAL)) mode = ENF_NORMAL;
  else if (fixed_eq(ep, el, F.ENF_SHADOW_ALL)) mode = ENF_SHADOW_ALL;
  else if (fixed_eq(ep, el, F.ENF_LOCKDOWN)) mode = ENF_LOCKDOWN;
  if (mode <= ENF_NORMAL) return;
  if (!opt_string(ov, F.K_REASON)) return;
  const rp = s_p;
  const rl = s_l == 0 ? -1 : s_l;
  if (!opt_string(ov, F.K_EXPIRES)) return;
  // shadow-all softens every deny, so it only counts with a reason and an end; lockdown only
  // tightens, so it applies even without them.
  if (mode == ENF_SHADOW_ALL && (rl < 0 || s_l < 0)) return;
  if (s_l >= 0) {
    if (!parse_time_at(2, s_p, s_l)) return;
    if (at_or_after(time_sec, time_ns)) return;
  }
  enf = mode;
  enf_reason_p = rp;
  enf_reason_l = rl;
}

// A token's record and the fields read from it (value pointers, 0 = absent), by read_token_fields.
let tr_record: usize = 0;
let tr_name: usize = 0;
let tr_api: usize = 0;
let tr_expires: usize = 0;
let tr_grants: usize = 0;

function token_fields(t: usize): void {
  tr_record = t;
  if (t == 0 || value_type(t) != TYPE_OBJECT) {
    tr_name = tr_api = tr_expires = tr_grants = 0;
    return;
  }
  tr_name = object_get(t, fs_ptr(F.K_NAME), fs_len(F.K_NAME));
  tr_api = object_get(t, fs_ptr(F.K_API), fs_len(F.K_API));
  tr_expires = object_get(t, fs_ptr(F.K_EXPIRES), fs_len(F.K_EXPIRES));
  tr_grants = object_get(t, fs_ptr(F.K_GRANTS), fs_len(F.K_GRANTS));
}

// The record of the input's fingerprint into tr_*; false when the data has none.
function find_token(data: usize): bool {
  if (!stable_for(data)) {
    const tokens = data_section(data, F.K_TOKENS);
    if (tokens == 0) return false;
    const t = object_get(tokens, fp_p, fp_l);
    if (t == 0) return false;
    token_fields(t);
    return true;
  }
  if (known_tokens == 0) return false;
  if (token_slots == 0) {
    const t = object_get(known_tokens, fp_p, fp_l);
    if (t == 0) return false;
    token_fields(t);
    return true;
  }
  const h = hash_bytes(fp_p, <u32>fp_l);
  const slot = token_slots + <usize>(h & (TOKEN_SLOTS - 1)) * TOKEN_SLOT_SIZE;
  if (load<u32>(slot) == h + 1) {
    const key = <usize>load<u32>(slot, 4);
    if (string_len(key) == fp_l && bytes_eq(string_ptr(key), fp_l, fp_p, fp_l)) {
      tr_record = <usize>load<u32>(slot, 8);
      tr_name = <usize>load<u32>(slot, 12);
      tr_api = <usize>load<u32>(slot, 16);
      tr_expires = <usize>load<u32>(slot, 20);
      tr_grants = <usize>load<u32>(slot, 24);
      return true;
    }
  }
  const i = object_find(known_tokens, fp_p, fp_l);
  if (i < 0) return false;
  token_fields(object_value_at(known_tokens, i));
  // h + 1 never stores 0 (empty) but for h = 0xffffffff, which then is simply never remembered.
  store<u32>(slot, h + 1);
  store<u32>(slot, <u32>object_key_at(known_tokens, i), 4);
  store<u32>(slot, <u32>tr_record, 8);
  store<u32>(slot, <u32>tr_name, 12);
  store<u32>(slot, <u32>tr_api, 16);
  store<u32>(slot, <u32>tr_expires, 20);
  store<u32>(slot, <u32>tr_grants, 24);
  return true;
}

// A data entry that is not a well-formed token of this API makes the token unknown.
function read_token(data: usize, apiRecord: usize): void {
  if (fp_l < 0) {
    tok_state = TOKEN_MISSING;
    return;
  }
  tok_state = TOKEN_UNKNOWN;
  if (!find_token(data)) return;
  const t = tr_record;
  if (t == 0 || value_type(t) != TYPE_OBJECT) return;
  const name = tr_name;
  if (name == 0 || value_type(name) != TYPE_STRING) return;
  const api = tr_api;
  if (api == 0 || value_type(api) != TYPE_STRING) return;
  if (!bytes_eq(string_ptr(api), string_len(api), api_p, api_l)) return;
  // Null counts as absent (opt_string).
  const ex: usize = tr_expires != 0 && value_type(tr_expires) == TYPE_NULL ? 0 : tr_expires;
  if (ex != 0 && value_type(ex) != TYPE_STRING) return;
  s_p = ex == 0 ? 0 : string_ptr(ex);
  s_l = ex == 0 ? -1 : string_len(ex);
  // An API that requires expiry does not accept a record that never expires.
  if (s_l < 0 && load<u8>(apiRecord + API_REQUIRE_EXPIRY) != 0) return;
  tok_expires_l = s_l;
  tok_expires_p = s_p;
  if (s_l >= 0) {
    if (!parse_time_at(3, s_p, s_l)) return;
    tok_exp_sec = time_sec;
    tok_exp_ns = time_ns;
  }
  // Grants need only be an array: a malformed grant simply covers nothing.
  const grants = tr_grants;
  if (grants == 0 || value_type(grants) != TYPE_ARRAY) return;
  tok_grants = grants;
  tok_name_p = string_ptr(name);
  tok_name_l = string_len(name);
  tok_state = TOKEN_KNOWN;
}

// Non-string entries never match.
function array_has(arr: usize, p: usize, n: i32, wildcard: bool): bool {
  if (arr == 0 || value_type(arr) != TYPE_ARRAY) return false;
  const len = array_len(arr);
  for (let i = 0; i < len; i++) {
    const s = array_get(arr, i);
    if (value_type(s) != TYPE_STRING) continue;
    const sp = string_ptr(s);
    const sl = string_len(s);
    if (bytes_eq(sp, sl, p, n)) return true;
    if (wildcard && fixed_eq(sp, sl, F.G_ANY)) return true;
  }
  return false;
}

function selects_operation(ops: usize): bool {
  if (ops == 0 || value_type(ops) != TYPE_ARRAY) return false;
  const len = array_len(ops);
  const classSel = F.G_CLASS_READ + cls;
  for (let i = 0; i < len; i++) {
    const s = array_get(ops, i);
    if (value_type(s) != TYPE_STRING) continue;
    const sp = string_ptr(s);
    const sl = string_len(s);
    if (bytes_eq(sp, sl, op_p, op_l) || fixed_eq(sp, sl, F.G_ANY) || fixed_eq(sp, sl, classSel)) return true;
  }
  return false;
}

// Only for `projects` and `resources`: given (not null) means the input's value must be listed.
function optional_list_covers(g: usize, key: i32, p: usize, n: i32): bool {
  const list = object_get(g, fs_ptr(key), fs_len(key));
  if (list == 0 || value_type(list) == TYPE_NULL) return true;
  if (n < 0) return false;
  return array_has(list, p, n, false);
}

function grant_covers(): bool {
  const n = array_len(tok_grants);
  for (let i = 0; i < n; i++) {
    const g = array_get(tok_grants, i);
    if (value_type(g) != TYPE_OBJECT) continue;
    if (!selects_operation(object_get(g, fs_ptr(F.K_OPERATIONS), fs_len(F.K_OPERATIONS)))) continue;
    if (!array_has(object_get(g, fs_ptr(F.K_ENVIRONMENTS), fs_len(F.K_ENVIRONMENTS)), env_p, env_l, true)) continue;
    if (!optional_list_covers(g, F.K_PROJECTS, project_p, project_l)) continue;
    if (!optional_list_covers(g, F.K_RESOURCES, id_p, id_l)) continue;
    const ga = object_get(g, fs_ptr(F.K_ARGUMENTS), fs_len(F.K_ARGUMENTS));
    if (ga != 0 && value_type(ga) != TYPE_NULL && !data_args_hold(ga)) continue;
    return true;
  }
  return false;
}

// ---- rules -----------------------------------------------------------------------------------

function cond_holds(kind: u8, set: u32, p: usize, n: i32): bool {
  if (kind == COND_PRESENT) return n >= 0;
  if (kind == COND_ABSENT) return n < 0;
  if (kind == COND_IN) return n >= 0 && set_has(set, p, n);
  return true;
}

function list_holds(set: u32, p: usize, n: i32): bool {
  if (set == 0) return true;
  return n >= 0 && set_has(set, p, n);
}

function rule_matches(r: usize): bool {
  if (!list_holds(load<u32>(r + RULE_ENVS), env_p, env_l)) return false;
  if (!list_holds(load<u32>(r + RULE_KINDS), kind_p, kind_l)) return false;
  if (!list_holds(load<u32>(r + RULE_IDS), id_p, id_l)) return false;
  if (!list_holds(load<u32>(r + RULE_PROJECTS), project_p, project_l)) return false;
  const tokens = load<u32>(r + RULE_TOKENS);
  if (tokens != 0 && (tok_state != TOKEN_KNOWN || !set_has(tokens, tok_name_p, tok_name_l))) return false;
  if (!cond_holds(load<u8>(r + RULE_ORIGINATOR), load<u32>(r + RULE_ORIGINATOR_SET), orig_p, orig_l)) return false;
  if (!cond_holds(load<u8>(r + RULE_TENANT), load<u32>(r + RULE_TENANT_SET), tenant_p, tenant_l)) return false;
  const v = load<u8>(r + RULE_VERIFIED);
  if (v != 0 && (v == 2) != verified) return false;
  if (load<u32>(r + RULE_HAS_ATTEMPT) != 0) {
    const a = <f64>attempt;
    if (a < load<f64>(r + RULE_MIN) || a > load<f64>(r + RULE_MAX)) return false;
  }
  if (!program_args_hold(load<u32>(r + RULE_ARGUMENTS))) return false;
  return true;
}

// ---- findings and the decision value -----------------------------------------------------

let findings: usize = 0;
let finding_count: i32 = 0;

function add_finding(kind: i32, mode: i32, rp: usize, rl: i32, why_p: usize, why_l: i32, tp: usize, tl: i32): void {
  const f = findings + <usize>finding_count * FINDING_SIZE;
  store<u8>(f, <u8>kind);
  store<u8>(f + 1, <u8>mode);
  store<u32>(f + 4, <u32>rp);
  store<i32>(f + 8, rl);
  store<u32>(f + 12, <u32>why_p);
  store<i32>(f + 16, why_l);
  store<u32>(f + 20, <u32>tp);
  store<i32>(f + 24, tl);
  finding_count++;
}

function add_fixed_finding(kind: i32, mode: i32, rule: i32, reason: i32): void {
  add_finding(kind, mode, fs_ptr(rule), fs_len(rule), fs_ptr(reason), fs_len(reason), 0, -1);
}

// Joins up to six byte ranges into a fresh heap string (parts with length <= 0 are skipped).
function join(a: usize, al: i32, b: usize, bl: i32, c: usize, cl: i32, d: usize, dl: i32, e: usize, el: i32, f: usize, fl: i32): usize {
  const total = max(al, 0) + max(bl, 0) + max(cl, 0) + max(dl, 0) + max(el, 0) + max(fl, 0);
  const buf = alloc(total > 0 ? <usize>total : 1);
  let at = buf;
  if (al > 0) { mem_copy(at, a, <usize>al); at += <usize>al; }
  if (bl > 0) { mem_copy(at, b, <usize>bl); at += <usize>bl; }
  if (cl > 0) { mem_copy(at, c, <usize>cl); at += <usize>cl; }
  if (dl > 0) { mem_copy(at, d, <usize>dl); at += <usize>dl; }
  if (el > 0) { mem_copy(at, e, <usize>el); at += <usize>el; }
  if (fl > 0) { mem_copy(at, f, <usize>fl); at += <usize>fl; }
  join_len = total;
  return buf;
}
let join_len: i32 = 0;

@inline function fixed_value(i: i32): usize {
  return make_string(fs_ptr(i), fs_len(i));
}

@inline function put(obj: usize, key: i32, v: usize): void {
  object_insert(obj, fs_ptr(key), fs_len(key), v);
}

// ---- the decision ----------------------------------------------------------------------------

// input:invalid and api:unknown: no environment, class or enforcement, and never softened.
let null_context: bool = false;
let assumed: bool = false;
let severity: i32 = 0;
let out_mode: i32 = 0;
let nviol: i32 = 0;

function early(kind: i32, rule: i32, why_p: usize, why_l: i32): void {
  findings = alloc(FINDING_SIZE);
  finding_count = 0;
  add_finding(kind, MODE_DENY, fs_ptr(rule), fs_len(rule), why_p, why_l, 0, -1);
  null_context = true;
  enf = ENF_NORMAL;
}

// README "Evaluation" steps 1-6 for the input in the slots (./input): fills the findings in
// README order.
function collect(data: usize): void {
  null_context = false;
  if (input_type == 0) {
    early(F.V_INVALID_INPUT, F.F_INPUT_INVALID, fs_ptr(F.R_INPUT_MISSING), fs_len(F.R_INPUT_MISSING));
    return;
  }
  const bad = check_input();
  if (bad >= 0) {
    early(F.V_INVALID_INPUT, F.F_INPUT_INVALID, fs_ptr(bad), fs_len(bad));
    return;
  }

  const api = find_api(api_p, api_l);
  if (api == 0) {
    const why = join(fs_ptr(F.P_API_OPEN), fs_len(F.P_API_OPEN), api_p, api_l, fs_ptr(F.P_API_CLOSE), fs_len(F.P_API_CLOSE), 0, 0, 0, 0, 0, 0);
    early(F.V_UNKNOWN_API, F.F_API_UNKNOWN, why, join_len);
    return;
  }

  // Classification: the catalog, else the name; uncatalogued names that rules mention have
  // their own entries (class 3) so their candidate lists include those rules.
  const op = find_op(api);
  let lists = api + API_LISTS;
  if (op != 0 && load<u32>(op + 4) < 3) {
    cls = load<i32>(op + 4);
  } else {
    cls = classify_by_name(op_p, op_l, type_p, type_l);
  }
  if (op != 0) lists = op + 8;
  const candidates = ref_addr(load<u32>(lists + (<usize>cls << 2)));

  // Effective environment.
  assumed = false;
  const envs = load<u32>(api + API_ENVS);
  // A listed environment is read from the program's copy: the same bytes, at an address that
  // stays put across decisions (decision_key).
  const listed = env_in_l >= 0 ? set_find(envs, env_in_p, env_in_l) : 0;
  if (listed != 0) {
    env_p = listed;
    env_l = env_in_l;
  } else {
    const prot = load<u32>(api + API_PROTECTED);
    env_p = str_ptr(prot);
    env_l = str_len(prot);
    assumed = true;
  }

  read_overrides(data);
  read_token(data, api);

  const count = load<i32>(candidates);
  findings = alloc(<usize>(count + 3) * FINDING_SIZE);
  finding_count = 0;

  if (enf == ENF_LOCKDOWN && cls == CLASS_DESTRUCTIVE) {
    if (enf_reason_l >= 0) {
      add_finding(F.V_LOCKDOWN, MODE_DENY, fs_ptr(F.F_LOCKDOWN), fs_len(F.F_LOCKDOWN), enf_reason_p, enf_reason_l, 0, -1);
    } else {
      add_fixed_finding(F.V_LOCKDOWN, MODE_DENY, F.F_LOCKDOWN, F.R_LOCKDOWN);
    }
  }

  let matched = 0;
  for (let i = 0; i < count; i++) {
    const r = ref_addr(load<u32>(candidates + 4 + (<usize>i << 2)));
    if (!rule_matches(r)) continue;
    const id = load<u32>(r + RULE_ID);
    const why = load<u32>(r + RULE_REASON);
    add_finding(F.V_RULE, <i32>load<u8>(r + RULE_MODE), str_ptr(id), str_len(id), str_ptr(why), str_len(why), 0, -1);
    matched++;
  }

  if (matched == 0) {
    const mode = <i32>load<u8>(api + API_DEFAULTS + <usize>cls);
    add_fixed_finding(F.V_DEFAULT, mode, F.F_DEFAULT_READ + cls, F.R_DEFAULT_READ_ALLOW + cls * 3 + mode);
  }

  if (tok_state == TOKEN_MISSING) {
    add_fixed_finding(F.V_TOKEN_MISSING, <i32>load<u8>(api + API_DEFAULTS + 3), F.F_TOKEN_MISSING, F.R_TOKEN_MISSING);
  } else if (tok_state == TOKEN_UNKNOWN) {
    const why = load<u32>(api + API_UNKNOWN_REASON);
    add_finding(F.V_TOKEN_UNKNOWN, <i32>load<u8>(api + API_TOKENS_UNKNOWN), fs_ptr(F.F_TOKEN_UNKNOWN), fs_len(F.F_TOKEN_UNKNOWN), str_ptr(why), str_len(why), 0, -1);
  } else if (tok_expires_l >= 0 && at_or_after(tok_exp_sec, tok_exp_ns)) {
    const why = join(fs_ptr(F.P_TOKEN), fs_len(F.P_TOKEN), tok_name_p, tok_name_l, fs_ptr(F.P_EXPIRED_AT), fs_len(F.P_EXPIRED_AT), tok_expires_p, tok_expires_l, 0, 0, 0, 0);
    add_finding(F.V_TOKEN_EXPIRED, MODE_DENY, fs_ptr(F.F_TOKEN_EXPIRED), fs_len(F.F_TOKEN_EXPIRED), why, join_len, tok_name_p, tok_name_l);
  } else if ((load<u8>(api + API_CHECK_MASK) & (1 << <u8>cls)) != 0 && !grant_covers()) {
    const why = join(fs_ptr(F.P_TOKEN), fs_len(F.P_TOKEN), tok_name_p, tok_name_l, fs_ptr(F.P_NO_GRANT), fs_len(F.P_NO_GRANT), op_p, op_l, fs_ptr(F.P_IN), fs_len(F.P_IN), env_p, env_l);
    add_finding(F.V_TOKEN_SCOPE, MODE_DENY, fs_ptr(F.F_TOKEN_SCOPE), fs_len(F.F_TOKEN_SCOPE), why, join_len, tok_name_p, tok_name_l);
  }
}

// Steps 6-7: the most severe finding decides; shadow-all turns a deny verdict into shadow.
function verdict(): void {
  severity = MODE_ALLOW;
  nviol = 0;
  for (let i = 0; i < finding_count; i++) {
    const m = <i32>load<u8>(findings + <usize>i * FINDING_SIZE + 1);
    if (m > severity) severity = m;
    if (m != MODE_ALLOW) nviol++;
  }
  out_mode = enf == ENF_SHADOW_ALL && severity == MODE_DENY ? MODE_SHADOW : severity;
}

@inline function f_addr(i: i32): usize {
  return findings + <usize>i * FINDING_SIZE;
}

// ---- the decision as a value (the `eval` / context path) --------------------------------------

function violation_value(f: usize): usize {
  const tl = load<i32>(f + 24);
  const o = make_object(tl >= 0 ? 4 : 3);
  put(o, F.K_KIND, fixed_value(<i32>load<u8>(f)));
  put(o, F.K_RULE, make_string(<usize>load<u32>(f + 4), load<i32>(f + 8)));
  put(o, F.K_MODE, fixed_value(F.MODE_ALLOW + <i32>load<u8>(f + 1)));
  if (tl >= 0) put(o, F.K_TOKEN, make_string(<usize>load<u32>(f + 20), tl));
  return o;
}

function decision_value(): usize {
  let rule: usize = 0;
  const reasons = make_array(1);
  const violations = make_array(nviol);
  for (let i = 0; i < finding_count; i++) {
    const f = f_addr(i);
    const m = <i32>load<u8>(f + 1);
    if (m == severity) {
      if (rule == 0) rule = make_string(<usize>load<u32>(f + 4), load<i32>(f + 8));
      array_push(reasons, make_string(<usize>load<u32>(f + 12), load<i32>(f + 16)));
    }
    if (m != MODE_ALLOW) array_push(violations, violation_value(f));
  }
  const o = make_object(11);
  put(o, F.K_ALLOW, make_bool(out_mode != MODE_DENY));
  put(o, F.K_MODE, fixed_value(F.MODE_ALLOW + out_mode));
  put(o, F.K_ENFORCED, make_bool(out_mode == MODE_DENY));
  put(o, F.K_WOULD_DENY, make_bool(out_mode != MODE_ALLOW));
  put(o, F.K_RULE, rule);
  put(o, F.K_REASONS, reasons);
  put(o, F.K_VIOLATIONS, violations);
  put(o, F.K_ENVIRONMENT, null_context ? make_null() : make_string(env_p, env_l));
  put(o, F.K_ENVIRONMENT_ASSUMED, make_bool(!null_context && assumed));
  put(o, F.K_CLASS, null_context ? make_null() : fixed_value(F.CLASS_READ + cls));
  put(o, F.K_ENFORCEMENT, null_context ? make_null() : fixed_value(F.ENF_NORMAL + enf));
  return o;
}

/** The `blastguard/decision` value for an input (0 = undefined input); 0 without a program. */
export function decide(input: usize, data: usize): usize {
  if (!has_program()) return 0;
  slots_from_value(input);
  collect(data);
  verdict();
  return decision_value();
}

// ---- the decision as text (the opa_eval fast path) ------------------------------------------
// Written straight from the findings: the same bytes the runtime's dump of decision_value()
// would produce (keys sorted byte-wise, its string escaping), without building the value tree.

// The buffer is sized once per decision for the worst case (every string byte escaped as
// \u00xx), so the writers below never check capacity.
let wb: usize = 0;
let wlen: usize = 0;

function output_bound(): usize {
  let n: usize = 640 + (<usize>max(env_l, 0)) * 6;
  for (let i = 0; i < finding_count; i++) {
    const f = findings + <usize>i * FINDING_SIZE;
    // The deciding finding's rule is written twice: as `rule` and in its violation.
    n += 96 + (<usize>load<i32>(f + 8) * 2 + <usize>load<i32>(f + 16) + <usize>max(load<i32>(f + 24), 0)) * 6;
  }
  return n;
}

@inline function w_byte(c: u32): void {
  store<u8>(wb + wlen, <u8>c);
  wlen++;
}

// Unaligned 8-byte moves are legal in Wasm and the buffer has slack for the tail.
function copy_bytes(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

@inline function w_raw(p: usize, n: i32): void {
  copy_bytes(wb + wlen, p, <usize>n);
  wlen += <usize>n;
}

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

// True when any of the 8 bytes is below 0x20, a quote or a backslash (exact for existence).
@inline function needs_escape(x: u64): bool {
  const q = x ^ (ONES * 0x22);
  const b = x ^ (ONES * 0x5c);
  return ((((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS) != 0;
}

@inline function hex_digit(d: u32): u32 {
  return d < 10 ? 0x30 + d : 0x61 + d - 10;
}

// JSON string with the runtime's escaping: \\ \" \n \r \t, other bytes below 0x20 as \u00xx.
function w_str(p: usize, n: i32): void {
  let out = wb + wlen;
  store<u8>(out++, 0x22);
  const e = p + <usize>n;
  let q = p;
  // Runs of 8 plain bytes are copied whole; a chunk with anything to escape goes byte by byte.
  while (q + 8 <= e) {
    const x = load<u64>(q);
    if (needs_escape(x)) break;
    store<u64>(out, x);
    out += 8;
    q += 8;
  }
  for (; q < e; q++) {
    const c = <u32>load<u8>(q);
    if (c >= 0x20 && c != 0x5c && c != 0x22) {
      store<u8>(out++, <u8>c);
      continue;
    }
    store<u8>(out++, 0x5c);
    if (c == 0x5c || c == 0x22) store<u8>(out++, <u8>c);
    else if (c == 0x0a) store<u8>(out++, 0x6e);
    else if (c == 0x0d) store<u8>(out++, 0x72);
    else if (c == 0x09) store<u8>(out++, 0x74);
    else {
      store<u8>(out++, 0x75);
      store<u8>(out++, 0x30);
      store<u8>(out++, 0x30);
      store<u8>(out++, <u8>hex_digit(c >> 4));
      store<u8>(out++, <u8>hex_digit(c & 15));
    }
  }
  store<u8>(out++, 0x22);
  wlen = out - wb;
}

// Fixed strings are plain ASCII without characters that need escaping.
function w_fixed(i: i32): void {
  w_byte(0x22);
  w_raw(fs_ptr(i), fs_len(i));
  w_byte(0x22);
}

function w_key(i: i32, first: bool): void {
  if (!first) w_byte(0x2c);
  w_fixed(i);
  w_byte(0x3a);
}

function w_bool(b: bool): void {
  if (b) {
    store<u32>(wb + wlen, 0x65757274); // "true"
    wlen += 4;
  } else {
    store<u32>(wb + wlen, 0x736c6166); // "fals"
    store<u8>(wb + wlen + 4, 0x65);
    wlen += 5;
  }
}

function w_null(): void {
  store<u32>(wb + wlen, 0x6c6c756e); // "null"
  wlen += 4;
}

function w_decision(): void {
  w_byte(0x7b);
  w_key(F.K_ALLOW, true);
  w_bool(out_mode != MODE_DENY);
  w_key(F.K_CLASS, false);
  if (null_context) w_null(); else w_fixed(F.CLASS_READ + cls);
  w_key(F.K_ENFORCED, false);
  w_bool(out_mode == MODE_DENY);
  w_key(F.K_ENFORCEMENT, false);
  if (null_context) w_null(); else w_fixed(F.ENF_NORMAL + enf);
  w_key(F.K_ENVIRONMENT, false);
  if (null_context) w_null(); else w_str(env_p, env_l);
  w_key(F.K_ENVIRONMENT_ASSUMED, false);
  w_bool(!null_context && assumed);
  w_key(F.K_MODE, false);
  w_fixed(F.MODE_ALLOW + out_mode);
  w_key(F.K_REASONS, false);
  w_byte(0x5b);
  let first = true;
  let rule: usize = 0;
  for (let i = 0; i < finding_count; i++) {
    const f = f_addr(i);
    if (<i32>load<u8>(f + 1) != severity) continue;
    if (rule == 0) rule = f;
    if (!first) w_byte(0x2c);
    first = false;
    w_str(<usize>load<u32>(f + 12), load<i32>(f + 16));
  }
  w_byte(0x5d);
  w_key(F.K_RULE, false);
  w_str(<usize>load<u32>(rule + 4), load<i32>(rule + 8));
  w_key(F.K_VIOLATIONS, false);
  w_byte(0x5b);
  first = true;
  for (let i = 0; i < finding_count; i++) {
    const f = f_addr(i);
    const m = <i32>load<u8>(f + 1);
    if (m == MODE_ALLOW) continue;
    if (!first) w_byte(0x2c);
    first = false;
    w_byte(0x7b);
    w_key(F.K_KIND, true);
    w_fixed(<i32>load<u8>(f));
    w_key(F.K_MODE, false);
    w_fixed(F.MODE_ALLOW + m);
    w_key(F.K_RULE, false);
    w_str(<usize>load<u32>(f + 4), load<i32>(f + 8));
    const tl = load<i32>(f + 24);
    if (tl >= 0) {
      w_key(F.K_TOKEN, false);
      w_str(<usize>load<u32>(f + 20), tl);
    }
    w_byte(0x7d);
  }
  w_byte(0x5d);
  w_key(F.K_WOULD_DENY, false);
  w_bool(out_mode != MODE_ALLOW);
  w_byte(0x7d);
}

/**
 * opa_eval's output for entrypoints 0 and 1 (NUL-terminated): format 0 is the JSON result set
 * `[{"result":…}]`, anything else the Rego value text `{{"result":…}}`. The decision holds only
 * strings, booleans, null, arrays and objects, whose Rego text is their JSON text.
 */
export function decide_text(entrypoint: i32, data: usize, format: i32): usize {
  decide_only(data);
  return decide_write(entrypoint, format);
}

/** Steps 1-7 for the input in the slots: the findings and the verdict, nothing written yet. */
export function decide_only(data: usize): void {
  collect(data);
  verdict();
}

/** The text of the decision `decide_only` made (see decide_text). */
export function decide_write(entrypoint: i32, format: i32): usize {
  wb = alloc(output_bound());
  wlen = 0;
  w_byte(format == 0 ? 0x5b : 0x7b);
  w_byte(0x7b);
  w_byte(0x22); w_byte(0x72); w_byte(0x65); w_byte(0x73); w_byte(0x75); w_byte(0x6c); w_byte(0x74); w_byte(0x22);
  w_byte(0x3a);
  if (entrypoint == 0) w_decision(); else w_bool(out_mode != MODE_DENY);
  w_byte(0x7d);
  w_byte(format == 0 ? 0x5d : 0x7d);
  note_output(wb, wlen);
  w_byte(0);
  return wb;
}

// ---- the decision's key (the memo of src/engine/direct.ts) -----------------------------------
// Everything decide_write reads, as bytes: equal keys give equal output text. A string that
// lies below `floor` (the program, the bundle data: memory no decision changes) is its address
// and length; anything at or above it (the input, this call's heap) is its bytes. The key is a
// fraction of the output's size and takes no escaping, so looking it up is cheaper than
// writing the output and numbering it.

let key_len: usize = 0;

/** Bytes of the last decision_key. */
export function decision_key_len(): usize {
  return key_len;
}

@inline function k32(at: usize, v: u32): usize {
  store<u32>(at, v);
  return at + 4;
}

function k_str(at: usize, p: usize, n: i32, floor: usize): usize {
  if (n < 0) return k32(at, 0);
  if (p + <usize>n <= floor) {
    at = k32(at, 1);
    at = k32(at, <u32>p);
    return k32(at, <u32>n);
  }
  at = k32(at, 2);
  at = k32(at, <u32>n);
  // The padding is part of the key: zeroed, not whatever the heap held.
  store<u32>(at + (<usize>n & ~(<usize>3)), 0);
  copy_bytes(at, p, <usize>n);
  return at + ((<usize>n + 3) & ~(<usize>3));
}

@inline function k_bound(n: i32): usize {
  return 12 + ((<usize>max(n, 0) + 3) & ~(<usize>3)) + 8;
}

/** The key of the decision `decide_only` made, for `entrypoint`; its length is decision_key_len(). */
export function decision_key(entrypoint: i32, floor: usize): usize {
  let bound: usize = 16 + k_bound(env_l);
  for (let i = 0; i < finding_count; i++) {
    const f = f_addr(i);
    bound += 4 + k_bound(load<i32>(f + 8)) + k_bound(load<i32>(f + 16)) + k_bound(load<i32>(f + 24));
  }
  const key = alloc(bound);
  // The context fields mean nothing (and are not written) when null_context is set.
  const context = null_context ? 0 : <u32>(1 | (cls << 1) | (enf << 4) | ((assumed ? 1 : 0) << 7));
  let at = k32(key, <u32>entrypoint | (<u32>out_mode << 8) | (context << 16));
  at = k32(at, <u32>finding_count);
  if (!null_context) at = k_str(at, env_p, env_l, floor);
  for (let i = 0; i < finding_count; i++) {
    const f = f_addr(i);
    at = k32(at, <u32>load<u8>(f) | (<u32>load<u8>(f + 1) << 8));
    at = k_str(at, <usize>load<u32>(f + 4), load<i32>(f + 8), floor);
    at = k_str(at, <usize>load<u32>(f + 12), load<i32>(f + 16), floor);
    at = k_str(at, <usize>load<u32>(f + 20), load<i32>(f + 24), floor);
  }
  key_len = at - key;
  return key;
}

/** The `blastguard/allow` value: the decision's boolean. */
export function allow_value(decision: usize): usize {
  if (decision == 0) return 0;
  return object_get(decision, fs_ptr(F.K_ALLOW), fs_len(F.K_ALLOW));
}

/** `entrypoints()`: {"blastguard/decision": 0, "blastguard/allow": 1}. */
export function make_entrypoints(): usize {
  const o = make_object(2);
  if (!has_program()) return o;
  put(o, F.E_DECISION, make_number_i32(0));
  put(o, F.E_ALLOW, make_number_i32(1));
  return o;
}

/** OPA's response to an entrypoint id the module does not have. */
export function illegal_entrypoint(): void {
  opa_abort_msg(fs_ptr(F.A_ILLEGAL_ENTRYPOINT));
}

/** Entrypoint dispatch for the context path: 0 decision, 1 allow. */
export function run_entrypoint(entrypoint: i32, data: usize, input: usize): usize {
  if (!has_program()) return 0;
  if (entrypoint == 0) return decide(input, data);
  if (entrypoint == 1) return allow_value(decide(input, data));
  illegal_entrypoint();
  return 0;
}
