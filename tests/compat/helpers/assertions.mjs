// Assertions on the shapes the SDK's index.d.ts declares and on its error classes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommetAPIError, CommetValidationError } from './sdk.mjs';

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A short unique string for names, codes and external IDs. */
export function unique(prefix = 'x') {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

function typeOk(value, type) {
  switch (type) {
    case 'null': return value === null;
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'array': return Array.isArray(value);
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'date': return typeof value === 'string' && isoDate.test(value) && !Number.isNaN(Date.parse(value));
    default: throw new Error(`unknown type '${type}' in a shape`);
  }
}

// COMPAT_NULL_AS_ABSENT=1 lets an optional field that the SDK declares without `| null` be null (triage only: the
// SDK's types say such a field is left out when it has no value, so by default a null fails).
const nullAsAbsent = process.env.COMPAT_NULL_AS_ABSENT === '1';

// ---- Fields the server sends that the SDK does not declare ----------------------------------------------------
//
// assertShape notes every field of the object that its shape does not name (besides `object`/`livemode`), under the
// SDK type the shape stands for: `Subscription.scheduledChange`. Node's test runner runs each test file in its own
// process, so at exit each process writes what it saw to <dir>/<pid>.json; test/zz-extra-fields.test.mjs (the last
// file) reads the folder, prints the list and checks it against docs/decisions.md. <dir> is
// $COMPAT_EXTRA_FIELDS_DIR, or else a folder in the temp dir named after the parent process — the `node --test`
// runner that started every file of this run — by its PID and, on Linux, its start time (PIDs are reused).
// A file run outside the runner's child processes (`node test/x.test.mjs`, or --test-isolation=none) writes nothing:
// the last file then reads the list of its own process.

const extraFields = new Map(); // 'Type.field' → the first label it was seen on
const checkedTypes = new Map(); // 'Type' → how many objects of it were checked
let exitHook = false;

/** Whether this process writes its list to extraFieldsDir() (a file run by `node --test` in a process of its own). */
export function usesExtraFieldsDir() {
  return Boolean(process.env.COMPAT_EXTRA_FIELDS_DIR) || (process.env.NODE_TEST_CONTEXT ?? '').startsWith('child');
}

/** The folder the test processes of one run write their extra fields to. */
export function extraFieldsDir() {
  if (process.env.COMPAT_EXTRA_FIELDS_DIR) return process.env.COMPAT_EXTRA_FIELDS_DIR;
  let runner = String(process.ppid);
  try {
    // Field 22 of /proc/<pid>/stat is the process's start time; the name (field 2) may hold spaces, so count after ')'.
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    runner += `-${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
  } catch {
    // Not Linux: the PID alone.
  }
  return path.join(tmpdir(), `commet-compat-extra-fields-${runner}`);
}

/** What this process has seen so far: `{extras: {'Type.field': label}, checked: {Type: count}}`. */
export function extraFieldsSeen() {
  return { extras: Object.fromEntries(extraFields), checked: Object.fromEntries(checkedTypes) };
}

/** `subscriptions[3].plan` → `Subscriptions[].plan`: the type name of a label, for shapes given without one. */
export function typeOfLabel(label) {
  const name = label.replace(/\[\d+\]/g, '[]');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function writeExtraFields() {
  try {
    const dir = extraFieldsDir();
    mkdirSync(dir, { recursive: true });
    const file = path.relative(process.cwd(), process.argv[1] ?? '') || 'unknown';
    writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify({ file, ...extraFieldsSeen() }));
  } catch (error) {
    // The list is a report; a test run must not fail at exit because the temp dir is not writable.
    process.stderr.write(`could not write the extra fields of this test file: ${error.message}\n`);
  }
}

function recordExtraFields(obj, shape, label, type) {
  if (type === false) return;
  const typeName = type ?? typeOfLabel(label);
  const declared = new Set(Object.keys(shape).map((name) => (name.endsWith('?') ? name.slice(0, -1) : name)));
  declared.add('object');
  declared.add('livemode');
  checkedTypes.set(typeName, (checkedTypes.get(typeName) ?? 0) + 1);
  for (const name of Object.keys(obj)) {
    if (declared.has(name)) continue;
    const key = `${typeName}.${name}`;
    if (!extraFields.has(key)) extraFields.set(key, `${label}.${name}`);
  }
  if (!exitHook && usesExtraFieldsDir()) {
    exitHook = true;
    process.on('exit', writeExtraFields);
  }
}

/**
 * Checks that every field of `shape` is present on `obj` with one of the listed types:
 * `{id: 'string', description: 'string|null', createdAt: 'date', 'currency?': 'string'}` — a trailing `?` on the
 * name makes the field optional (checked only when present). `shape` must list every field the SDK declares for the
 * type: fields on `obj` that it does not name are noted as undeclared, under `type` (the SDK's name for it, e.g.
 * `Subscription` or `Subscription.plan`; by default the label's, see typeOfLabel). `type: false` notes nothing (for
 * checks of part of an object).
 */
export function assertShape(obj, shape, label = 'object', type = undefined) {
  assert.ok(typeof obj === 'object' && obj !== null, `${label} should be an object, got ${JSON.stringify(obj)}`);
  recordExtraFields(obj, shape, label, type);
  for (const [rawName, spec] of Object.entries(shape)) {
    const optional = rawName.endsWith('?');
    const name = optional ? rawName.slice(0, -1) : rawName;
    if (!Object.hasOwn(obj, name) || obj[name] === undefined || (optional && nullAsAbsent && obj[name] === null)) {
      if (optional) continue;
      assert.fail(`${label}.${name} is missing (have: ${Object.keys(obj).join(', ')})`);
    }
    const types = spec.split('|');
    assert.ok(types.some((t) => typeOk(obj[name], t)),
      `${label}.${name} should be ${spec}, got ${JSON.stringify(obj[name])}`);
  }
}

/** `object` and `livemode` as every API object carries them. */
export function assertObject(obj, type, livemode, label = type) {
  assertShape(obj, { object: 'string', livemode: 'boolean' }, label, false);
  assert.equal(obj.object, type, `${label}.object`);
  assert.equal(obj.livemode, livemode, `${label}.livemode`);
}

/** An ID with the given prefix (`cus` → `cus_…`). */
export function assertId(value, prefix, label = 'id') {
  assert.equal(typeof value, 'string', `${label} should be a string, got ${JSON.stringify(value)}`);
  assert.ok(value.startsWith(`${prefix}_`) && value.length > prefix.length + 1,
    `${label} should start with ${prefix}_, got ${value}`);
}

/** A success envelope as the SDK hands it back: `{success: true, data}`. */
export function assertSuccess(res, label = 'response') {
  assert.ok(res && typeof res === 'object', `${label} should be an object`);
  assert.equal(res.success, true, `${label}.success`);
  assert.ok(Object.hasOwn(res, 'data'), `${label}.data is missing`);
  return res.data;
}

/** A list envelope: `{success: true, data: [...], hasMore: boolean, nextCursor?}`. */
export function assertList(res, label = 'list') {
  const data = assertSuccess(res, label);
  assert.ok(Array.isArray(data), `${label}.data should be an array, got ${JSON.stringify(data)}`);
  if (Object.hasOwn(res, 'hasMore')) assert.equal(typeof res.hasMore, 'boolean', `${label}.hasMore`);
  return data;
}

function describeError(err) {
  if (err instanceof CommetValidationError) return `CommetValidationError(${JSON.stringify(err.validationErrors)})`;
  if (err instanceof CommetAPIError) return `CommetAPIError(${err.statusCode} ${err.code}: ${err.message})`;
  return String(err?.stack ?? err);
}

async function settle(action) {
  try {
    const value = await (typeof action === 'function' ? action() : action);
    return { value };
  } catch (error) {
    return { error };
  }
}

/**
 * Expects a `CommetAPIError` (not a validation error) with the given status and/or code; returns it.
 * `code` may be a string or an array of accepted codes; `status` a number or an array.
 */
export async function expectApiError(action, { status, code } = {}) {
  const { value, error } = await settle(action);
  if (!error) assert.fail(`expected a CommetAPIError${code ? ` ${code}` : ''}${status ? ` (${status})` : ''}, but the call succeeded: ${JSON.stringify(value)}`);
  assert.ok(error instanceof CommetAPIError, `expected a CommetAPIError, got ${describeError(error)}`);
  if (status !== undefined) {
    const ok = Array.isArray(status) ? status.includes(error.statusCode) : error.statusCode === status;
    assert.ok(ok, `expected status ${status}, got ${describeError(error)}`);
  }
  if (code !== undefined) {
    const ok = Array.isArray(code) ? code.includes(error.code) : error.code === code;
    assert.ok(ok, `expected code ${code}, got ${describeError(error)}`);
  }
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0, 'the error message should not be empty');
  assert.equal(typeof error.type, 'string', `error.type should be a string (${describeError(error)})`);
  assert.equal(typeof error.docUrl, 'string', `error.doc_url should be a string (${describeError(error)})`);
  return error;
}

/**
 * Expects a `CommetValidationError` whose `validationErrors` has a key equal to `field` (a string) or matching
 * it (a RegExp), each with non-empty string messages; returns it.
 */
export async function expectValidationError(action, field) {
  const { value, error } = await settle(action);
  if (!error) assert.fail(`expected a validation error on ${field}, but the call succeeded: ${JSON.stringify(value)}`);
  assert.ok(error instanceof CommetValidationError, `expected a CommetValidationError on ${field}, got ${describeError(error)}`);
  const errors = error.validationErrors;
  assert.ok(errors && typeof errors === 'object', 'validationErrors should be an object');
  const keys = Object.keys(errors);
  const match = keys.filter((k) => (field instanceof RegExp ? field.test(k) : k === field));
  assert.ok(match.length > 0, `expected validationErrors to name ${field}, got ${JSON.stringify(errors)}`);
  for (const k of match) {
    assert.ok(Array.isArray(errors[k]) && errors[k].length > 0, `validationErrors.${k} should be a non-empty array`);
    for (const m of errors[k]) assert.ok(typeof m === 'string' && m.length > 0, `validationErrors.${k} messages should be strings`);
  }
  return error;
}

/**
 * Expects the call to be refused with either a 409 conflict or a validation error (for rules where the contract
 * leaves the class of error open); returns the error.
 */
export async function expectRefused(action, { codes } = {}) {
  const { value, error } = await settle(action);
  if (!error) assert.fail(`expected the call to be refused, but it succeeded: ${JSON.stringify(value)}`);
  if (error instanceof CommetValidationError) return error;
  assert.ok(error instanceof CommetAPIError, `expected a CommetAPIError, got ${describeError(error)}`);
  assert.ok([400, 409, 422].includes(error.statusCode), `expected 400/409/422, got ${describeError(error)}`);
  if (codes) assert.ok(codes.includes(error.code), `expected one of ${codes.join(', ')}, got ${describeError(error)}`);
  return error;
}

/** `{id, deleted: true, object, livemode}` as the SDK's DeletedObject declares it. */
export function assertDeleted(data, id, type, livemode) {
  assertShape(data, { id: 'string', deleted: 'boolean', object: 'string', livemode: 'boolean' }, 'deleted', 'DeletedObject');
  assert.equal(data.id, id, 'deleted.id');
  assert.equal(data.deleted, true, 'deleted.deleted');
  if (type) assert.equal(data.object, type, 'deleted.object');
  assert.equal(data.livemode, livemode, 'deleted.livemode');
}
