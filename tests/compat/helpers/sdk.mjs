// The official SDK pointed at the local server. The SDK's base URL is fixed to https://commet.co, so
// globalThis.fetch is wrapped: requests to that origin go to the server started for this test file (path, query,
// headers and body unchanged). Nothing is ever sent to the real hosted service.
import { after, before } from 'node:test';
import { Commet, CommetAPIError, CommetError, CommetValidationError } from '@commet/node';
import { startServer } from './server.mjs';

export { Commet, CommetAPIError, CommetError, CommetValidationError };

export const HOSTED_ORIGIN = 'https://commet.co';

let current = null;
const realFetch = globalThis.fetch;

function redirect(url) {
  const u = new URL(url);
  if (u.origin !== HOSTED_ORIGIN) return null;
  if (!current) throw new Error(`no local server is running; refusing to send ${u.pathname} to ${HOSTED_ORIGIN}`);
  return current.url + u.pathname + u.search;
}

globalThis.fetch = function commetCompatFetch(input, init) {
  if (typeof input === 'string' || input instanceof URL) {
    const target = redirect(String(input));
    if (target) return realFetch(target, init);
  } else if (input instanceof Request) {
    const target = redirect(input.url);
    if (target) return realFetch(new Request(target, input), init);
  }
  return realFetch(input, init);
};

let startError = null;

/**
 * Starts the server before the tests of the calling file and stops it after them.
 * Call once, at the top level of a test file. `options.env` adds environment variables for the server process
 * (for example `{Commet__Billing__Worker: 'false'}` so that only the test clock's process-billing runs billing).
 *
 * A server that fails to start does not fail the hook: node --test would then report every test as "cancelled"
 * and the summary as "# fail 0". Instead the error is kept and every test that asks for the server fails with it.
 */
export function useServer(options = {}) {
  before(async () => {
    try {
      current = await startServer(options);
    } catch (err) {
      startError = err;
      process.stderr.write(`\n[compat] the server did not start: ${err.message}\n`);
    }
  }, { timeout: 360_000 });
  after(async () => {
    const s = current;
    current = null;
    await s?.stop();
  }, { timeout: 60_000 });
}

/** The running server: `{url, sandboxKey, liveKey, database}`. */
export function server() {
  if (startError) throw new Error(`the server did not start: ${startError.message.split('\n')[0]}`, { cause: startError });
  if (!current) throw new Error('the server is not running (call useServer() at the top of the test file)');
  return current;
}

/** An SDK client with the given key and no retries, so that errors surface at once. */
export function client(apiKey, options = {}) {
  return new Commet({ apiKey, retries: 0, ...options });
}

/** An SDK client with the bootstrap sandbox key. */
export function sandbox(options) {
  return client(server().sandboxKey, options);
}

/** An SDK client with the bootstrap live key. */
export function live(options) {
  return client(server().liveKey, options);
}

/**
 * A raw HTTP call to the server (no SDK). `key` is 'sandbox' (default), 'live', a key string, or null for none.
 * `body` is sent as JSON unless it is a string or a Buffer, which are sent as they are.
 * Resolves to `{status, headers, text, json}` (`json` is undefined when the body is not JSON).
 */
export async function api(path, { method = 'GET', key = 'sandbox', body, headers = {} } = {}) {
  const h = { ...headers };
  const apiKey = key === 'sandbox' ? server().sandboxKey : key === 'live' ? server().liveKey : key;
  if (apiKey) h['x-api-key'] = apiKey;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
  }
  const res = await realFetch(server().url + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Reads every page of an SDK list call (`list(params)` → `{data, hasMore, nextCursor}`). */
export async function listAll(list, params = {}) {
  const items = [];
  let cursor;
  for (let page = 0; page < 1000; page++) {
    const res = await list({ ...params, ...(cursor ? { cursor } : {}) });
    items.push(...res.data);
    if (!res.hasMore) return items;
    cursor = res.nextCursor;
  }
  throw new Error('more than 1000 pages');
}
