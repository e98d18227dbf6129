// apiKeys.* of @commet/node 7.10.0 against the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, listAll, live, sandbox, server, useServer } from '../helpers/sdk.mjs';
import {
  assertDeleted, assertList, assertSuccess, expectApiError, expectValidationError, unique,
} from '../helpers/assertions.mjs';
import { assertApiKey, assertCreatedApiKey } from '../helpers/shapes.mjs';

useServer();

/** Polls until the key is refused (keys may be cached for a short while). */
async function waitUntilRefused(key, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      await client(key).customers.list({ limit: 1 });
      last = 'still accepted';
    } catch (err) {
      if (err.statusCode === 401 && err.code === 'unauthorized') return;
      last = `${err.statusCode} ${err.code}`;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`the deleted key was not refused with 401 within ${timeoutMs / 1000} s (last: ${last})`);
}

describe('api keys', () => {
  test('list shows the bootstrap key without its secret', async () => {
    const res = await sandbox().apiKeys.list();
    const keys = assertList(res);
    assert.ok(keys.length >= 1, 'at least the bootstrap key');
    for (const k of keys) assertApiKey(k, false);
    assert.ok(!res.hasMore || typeof res.nextCursor === 'string');
    const text = JSON.stringify(res);
    assert.ok(!text.includes(server().sandboxKey), 'the full key never appears in a list');
    assert.ok(keys.some((k) => server().sandboxKey.startsWith(k.prefix)), 'the bootstrap key is listed by its prefix');
  });

  test('create answers the full key once, and it works', async () => {
    const name = unique('ci key');
    const created = assertSuccess(await sandbox().apiKeys.create({ name }));
    assertCreatedApiKey(created, false);
    assert.equal(created.name, name);
    assert.equal(created.expiresAt, null);

    const fresh = client(created.apiKey);
    const customers = assertList(await fresh.customers.list({ limit: 1 }));
    for (const c of customers) assert.equal(c.livemode, false);

    const listed = await listAll((p) => sandbox().apiKeys.list(p));
    const mine = listed.find((k) => k.id === created.id);
    assert.ok(mine, 'the new key is listed');
    assertApiKey(mine, false);
    assert.equal(mine.name, name);
    assert.equal(mine.prefix, created.prefix);
    assert.ok(!JSON.stringify(listed).includes(created.apiKey), 'the secret is not in the list');
  });

  test('lastUsedAt is set once a key has been used', async () => {
    const created = assertSuccess(await sandbox().apiKeys.create({ name: unique('used') }));
    let mine = (await listAll((p) => sandbox().apiKeys.list(p))).find((k) => k.id === created.id);
    assert.equal(mine.lastUsedAt, null, 'never used yet');
    await client(created.apiKey).customers.list({ limit: 1 });
    mine = (await listAll((p) => sandbox().apiKeys.list(p))).find((k) => k.id === created.id);
    assert.equal(typeof mine.lastUsedAt, 'string', 'lastUsedAt after a request');
    assert.ok(Math.abs(Date.parse(mine.lastUsedAt) - Date.now()) < 5 * 60_000, `lastUsedAt is about now: ${mine.lastUsedAt}`);
  });

  test('a key made by a key sees the same organization and mode', async () => {
    const ext = unique('shared');
    const made = assertSuccess(await sandbox().apiKeys.create({ name: 'shared data' }));
    await sandbox().customers.create({ id: ext, email: `${ext}@example.com` });
    const seen = assertSuccess(await client(made.apiKey).customers.get({ id: ext }));
    assert.equal(seen.externalId, ext);
  });

  test('create with expiresInDays sets expiresAt that many days ahead', async () => {
    const created = assertSuccess(await sandbox().apiKeys.create({ name: unique('temp'), expiresInDays: 30 }));
    assertCreatedApiKey(created, false);
    assert.equal(typeof created.expiresAt, 'string');
    const days = (Date.parse(created.expiresAt) - Date.parse(created.createdAt)) / 86_400_000;
    assert.ok(Math.abs(days - 30) < 0.01, `expiresAt should be 30 days after createdAt, is ${days}`);
  });

  test('create without a name is a validation error on name', async () => {
    await expectValidationError(sandbox().apiKeys.create({}), 'name');
    await expectValidationError(sandbox().apiKeys.create({ name: '   ' }), 'name');
  });

  test('a live key makes live keys, which the sandbox never sees', async () => {
    const created = assertSuccess(await live().apiKeys.create({ name: unique('live ci') }));
    assertCreatedApiKey(created, true);
    const liveList = await listAll((p) => live().apiKeys.list(p));
    assert.ok(liveList.some((k) => k.id === created.id));
    for (const k of liveList) assertApiKey(k, true);
    const sandboxList = await listAll((p) => sandbox().apiKeys.list(p));
    assert.ok(!sandboxList.some((k) => k.id === created.id), 'the sandbox does not list live keys');
    await expectApiError(sandbox().apiKeys.delete({ id: created.id }), { status: 404, code: 'api_key_not_found' });
    const customers = assertList(await client(created.apiKey).customers.list({ limit: 5 }));
    for (const c of customers) assert.equal(c.livemode, true);
  });

  test('delete: the deleted key is refused with 401', async () => {
    const created = assertSuccess(await sandbox().apiKeys.create({ name: unique('doomed') }));
    await client(created.apiKey).customers.list({ limit: 1 }); // warm any cache
    const deleted = assertSuccess(await sandbox().apiKeys.delete({ id: created.id }));
    assertDeleted(deleted, created.id, 'api_key', false);

    await waitUntilRefused(created.apiKey);
    const listed = await listAll((p) => sandbox().apiKeys.list(p));
    assert.ok(!listed.some((k) => k.id === created.id), 'a deleted key is not listed');
    await expectApiError(sandbox().apiKeys.delete({ id: created.id }), { status: 404, code: 'api_key_not_found' });
  });

  test('a key cannot delete itself (409)', async () => {
    const created = assertSuccess(await sandbox().apiKeys.create({ name: unique('self') }));
    await expectApiError(client(created.apiKey).apiKeys.delete({ id: created.id }), { status: 409 });
    // Still works afterwards.
    assertList(await client(created.apiKey).customers.list({ limit: 1 }));
  });

  test('deleting an unknown key is api_key_not_found (404)', async () => {
    await expectApiError(sandbox().apiKeys.delete({ id: 'key_00000000000000000000000000' }), { status: 404, code: 'api_key_not_found' });
  });

  test('list pages with limit and cursor', async () => {
    for (let i = 0; i < 3; i++) await sandbox().apiKeys.create({ name: unique(`page ${i}`) });
    const first = await sandbox().apiKeys.list({ limit: 2 });
    const page1 = assertList(first);
    assert.equal(page1.length, 2);
    assert.equal(first.hasMore, true);
    assert.equal(typeof first.nextCursor, 'string');
    const second = await sandbox().apiKeys.list({ limit: 2, cursor: first.nextCursor });
    const page2 = assertList(second);
    assert.ok(page2.length >= 1);
    for (const k of page2) assert.ok(!page1.some((p) => p.id === k.id), 'no key on two pages');
  });
});
