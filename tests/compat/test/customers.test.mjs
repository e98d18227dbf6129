// customers.* of @commet/node 7.10.0 against the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAll, sandbox, useServer } from '../helpers/sdk.mjs';
import {
  assertId, assertList, assertObject, assertShape, assertSuccess, expectApiError, expectValidationError, unique,
} from '../helpers/assertions.mjs';
import { assertCustomer } from '../helpers/shapes.mjs';

useServer();

describe('customers', () => {
  test('list pages through 60 customers 25 at a time with nextCursor', async () => {
    const commet = sandbox();
    const prefix = unique('page');
    const before = (await listAll((p) => commet.customers.list({ ...p, limit: 100 }))).length;

    for (let i = 0; i < 60; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => commet.customers.create({
        id: `${prefix}_${String(i + j).padStart(2, '0')}`,
        email: `${prefix}_${i + j}@example.com`,
      })));
    }

    const total = before + 60;
    const seen = new Map();
    const pages = [];
    let cursor;
    for (let n = 0; n < 10; n++) {
      const res = await commet.customers.list({ limit: 25, ...(cursor ? { cursor } : {}) });
      const data = assertList(res, `page ${n + 1}`);
      assert.equal(typeof res.hasMore, 'boolean', 'hasMore');
      pages.push({ size: data.length, hasMore: res.hasMore });
      for (const c of data) {
        assertCustomer(c);
        assert.ok(!seen.has(c.id), `customer ${c.id} appeared on two pages`);
        seen.set(c.id, c);
      }
      if (!res.hasMore) break;
      assert.equal(typeof res.nextCursor, 'string', 'nextCursor when hasMore');
      assert.ok(res.nextCursor.length > 0, 'nextCursor should not be empty');
      cursor = res.nextCursor;
    }

    const expected = [];
    for (let left = total; left > 0; left -= 25) expected.push({ size: Math.min(25, left), hasMore: left > 25 });
    assert.deepEqual(pages, expected, `pages of a ${total}-customer list`);
    if (before === 0) {
      assert.deepEqual(pages, [{ size: 25, hasMore: true }, { size: 25, hasMore: true }, { size: 10, hasMore: false }]);
    }
    const ours = [...seen.values()].filter((c) => c.externalId?.startsWith(`${prefix}_`));
    assert.equal(ours.length, 60, 'every one of the 60 customers is listed exactly once');
    assert.equal(seen.size, total);
  });

  test('list without limit answers 25 (the default page size)', async () => {
    const res = await sandbox().customers.list();
    const data = assertList(res);
    assert.equal(data.length, 25);
    assert.equal(res.hasMore, true);
  });

  test('create with your own id: externalId is it, id is cus_…', async () => {
    const commet = sandbox();
    const ext = unique('user');
    const res = await commet.customers.create({
      id: ext,
      email: `${ext}@example.com`,
      fullName: 'Ada Lovelace',
      taxDocument: 'B12345678',
      timezone: 'UTC',
      metadata: { source: 'compat', seats: 3, nested: { a: [1, 2] } },
    });
    const c = assertSuccess(res);
    assertCustomer(c);
    assert.equal(c.externalId, ext);
    assert.notEqual(c.id, ext);
    assert.equal(c.email, `${ext}@example.com`);
    assert.equal(c.fullName, 'Ada Lovelace');
    assert.equal(c.taxDocument, 'B12345678');
    assert.equal(c.timezone, 'UTC');
    assert.deepEqual(c.metadata, { source: 'compat', seats: 3, nested: { a: [1, 2] } });
  });

  test('create without an id gives a customer with externalId null', async () => {
    const email = `${unique('anon')}@example.com`;
    const c = assertSuccess(await sandbox().customers.create({ email }));
    assertCustomer(c);
    assert.equal(c.externalId, null);
    assert.equal(c.email, email);
    assert.equal(c.fullName, null);
    assert.equal(c.metadata, null);
  });

  test('get by your own id and by cus_ id answers the same customer', async () => {
    const commet = sandbox();
    const ext = unique('user');
    const created = assertSuccess(await commet.customers.create({ id: ext, email: `${ext}@example.com` }));

    const byExt = assertSuccess(await commet.customers.get({ id: ext }));
    assertCustomer(byExt);
    const byId = assertSuccess(await commet.customers.get({ id: created.id }));
    assertCustomer(byId);
    assert.equal(byExt.id, created.id);
    assert.equal(byId.id, created.id);
    assert.equal(byId.externalId, ext);
    assert.deepEqual(byExt, byId);
  });

  test('creating again with the same id returns the same customer', async () => {
    const commet = sandbox();
    const ext = unique('user');
    const first = assertSuccess(await commet.customers.create({ id: ext, email: `${ext}@example.com` }));
    const second = assertSuccess(await commet.customers.create({ id: ext, email: `${ext}@example.com` }));
    assertCustomer(second);
    assert.equal(second.id, first.id);
    assert.equal(second.externalId, ext);
    const third = assertSuccess(await commet.customers.create({ externalId: ext, email: `${ext}@example.com` }));
    assert.equal(third.id, first.id, 'externalId names the same thing as id');

    const listed = assertList(await commet.customers.list({ externalId: ext }));
    assert.equal(listed.length, 1, 'still one customer with that id');
  });

  test('your own ids may hold @, +, spaces and non-ASCII characters', async () => {
    const commet = sandbox();
    const tag = unique('odd');
    for (const ext of [`${tag}@example.com`, `${tag}+1`, `${tag} José Ñandú`, `${tag}_ümlaut`, `${tag}:42`]) {
      const created = assertSuccess(await commet.customers.create({ id: ext, email: `${tag}@example.com` }));
      assert.equal(created.externalId, ext);
      const got = assertSuccess(await commet.customers.get({ id: ext }));
      assert.equal(got.id, created.id, `get by ${JSON.stringify(ext)}`);
      const updated = assertSuccess(await commet.customers.update({ id: ext, fullName: 'Renamed' }));
      assert.equal(updated.id, created.id, `update by ${JSON.stringify(ext)}`);
      const listed = assertList(await commet.customers.list({ externalId: ext }));
      assert.deepEqual(listed.map((c) => c.id), [created.id], `list filtered by ${JSON.stringify(ext)}`);
    }
  });

  test('text round-trips unchanged (accents, emoji, markup characters)', async () => {
    const ext = unique('text');
    const fullName = 'José 🚀 Ñandú <b>&amp;</b> "quoted" \\ back';
    const metadata = { note: 'ünïcödé ✓', html: '<script>alert(1)</script>', empty: '', zero: 0, neg: -1.5, nil: null, list: ['a', 1, false] };
    const created = assertSuccess(await sandbox().customers.create({ id: ext, email: `${ext}@example.com`, fullName, metadata }));
    assert.equal(created.fullName, fullName);
    assert.deepEqual(created.metadata, metadata);
    const got = assertSuccess(await sandbox().customers.get({ id: ext }));
    assert.equal(got.fullName, fullName);
    assert.deepEqual(got.metadata, metadata);
  });

  test('update fullName, metadata, timezone and address', async () => {
    const commet = sandbox();
    const ext = unique('user');
    const created = assertSuccess(await commet.customers.create({ id: ext, email: `${ext}@example.com`, metadata: { a: 1 } }));

    const res = await commet.customers.update({
      id: ext,
      fullName: 'Grace Hopper',
      metadata: { plan: 'pro', count: 2, flag: true },
      timezone: 'Europe/Madrid',
      address: { line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' },
    });
    const updated = assertSuccess(res);
    assertCustomer(updated);
    assert.equal(updated.id, created.id);
    assert.equal(updated.externalId, ext);
    assert.equal(updated.email, `${ext}@example.com`, 'fields left out stay as they were');
    assert.equal(updated.fullName, 'Grace Hopper');
    assert.equal(updated.timezone, 'Europe/Madrid');
    assert.deepEqual(updated.metadata, { plan: 'pro', count: 2, flag: true });
    assert.ok(Date.parse(updated.updatedAt) >= Date.parse(created.updatedAt), 'updatedAt moves forward');
    if (updated.address != null) {
      // Not in the SDK's Customer type, but when the server returns it, it must be what was stored.
      assert.equal(updated.address.country, 'DE');
      assert.equal(updated.address.city, 'Berlin');
      assert.equal(updated.address.postalCode, '10117');
    }

    const fetched = assertSuccess(await commet.customers.get({ id: created.id }));
    assert.equal(fetched.fullName, 'Grace Hopper');
    assert.equal(fetched.timezone, 'Europe/Madrid');
    assert.deepEqual(fetched.metadata, { plan: 'pro', count: 2, flag: true });
  });

  test('update by cus_ id changes the email', async () => {
    const commet = sandbox();
    const ext = unique('user');
    const created = assertSuccess(await commet.customers.create({ id: ext, email: `${ext}@example.com` }));
    const updated = assertSuccess(await commet.customers.update({ id: created.id, email: `new.${ext}@example.com` }));
    assert.equal(updated.email, `new.${ext}@example.com`);
    assert.equal(updated.externalId, ext);
  });

  test('list with the externalId filter answers only that customer', async () => {
    const commet = sandbox();
    const ext = unique('filter');
    const created = assertSuccess(await commet.customers.create({ id: ext, email: `${ext}@example.com` }));
    await commet.customers.create({ id: `${ext}_other`, email: `${ext}_other@example.com` });

    const res = await commet.customers.list({ externalId: ext });
    const data = assertList(res);
    assert.equal(data.length, 1);
    assertCustomer(data[0]);
    assert.equal(data[0].id, created.id);
    assert.equal(res.hasMore, false);

    const none = assertList(await commet.customers.list({ externalId: unique('nobody') }));
    assert.equal(none.length, 0);
  });

  test('createBatch: valid items succeed, invalid ones fail with their index', async () => {
    const commet = sandbox();
    const p = unique('batch');
    const res = await commet.customers.createBatch({
      customers: [
        { id: `${p}_0`, email: `${p}_0@example.com`, fullName: 'Zero' },
        { id: `${p}_1`, email: 'not-an-email' },
        { email: `${p}_2@example.com` },
        { id: `${p}_3`, email: `${p}_3@example.com`, address: { line1: 'x', city: 'y', postalCode: '1', country: 'XX' } },
        { id: `${p}_4`, email: `${p}_4@example.com`, timezone: 'Europe/Berlin' },
      ],
    });
    const batch = assertSuccess(res);
    assertShape(batch, { successful: 'array', failed: 'array' }, 'batch', 'CustomerBatch');
    assertObject(batch, 'customer', false, 'batch');

    assert.equal(batch.successful.length, 3);
    for (const s of batch.successful) {
      assertShape(s, { id: 'string', externalId: 'string|null', email: 'string' }, 'successful[]', 'CustomerBatch.successful[]');
      assertId(s.id, 'cus', 'successful[].id');
    }
    assert.deepEqual(batch.successful.map((s) => s.email).sort(),
      [`${p}_0@example.com`, `${p}_2@example.com`, `${p}_4@example.com`]);
    assert.equal(batch.successful.find((s) => s.email === `${p}_0@example.com`).externalId, `${p}_0`);
    assert.equal(batch.successful.find((s) => s.email === `${p}_2@example.com`).externalId, null);

    assert.deepEqual(batch.failed.map((f) => f.index), [1, 3]);
    for (const f of batch.failed) {
      assertShape(f, { index: 'integer', error: 'string', data: 'object' }, 'failed[]', 'CustomerBatch.failed[]');
      assert.ok(f.error.length > 0);
    }
    assert.equal(batch.failed[0].data.email, 'not-an-email');
    assert.equal(batch.failed[0].data.id, `${p}_1`);
    assert.equal(batch.failed[1].data.id, `${p}_3`);

    const zero = assertSuccess(await commet.customers.get({ id: `${p}_0` }));
    assert.equal(zero.fullName, 'Zero');
    assert.equal(zero.id, batch.successful.find((s) => s.externalId === `${p}_0`).id);
    await expectApiError(commet.customers.get({ id: `${p}_1` }), { status: 404, code: 'customer_not_found' });
  });

  test('createBatch with an existing id returns that customer', async () => {
    const commet = sandbox();
    const ext = unique('batch');
    const existing = assertSuccess(await commet.customers.create({ id: ext, email: `${ext}@example.com` }));
    const batch = assertSuccess(await commet.customers.createBatch({ customers: [{ id: ext, email: `${ext}@example.com` }] }));
    assert.equal(batch.successful.length, 1);
    assert.equal(batch.successful[0].id, existing.id);
    assert.equal(batch.failed.length, 0);
  });

  test('createBatch with more than 100 customers is a validation error', async () => {
    const p = unique('big');
    const customers = Array.from({ length: 101 }, (_, i) => ({ email: `${p}_${i}@example.com` }));
    await expectValidationError(sandbox().customers.createBatch({ customers }), 'customers');
    const listed = await listAll((q) => sandbox().customers.list({ ...q, limit: 100 }));
    assert.equal(listed.filter((c) => c.email.startsWith(`${p}_`)).length, 0, 'nothing of a refused batch is created');
  });

  test('createBatch with no customers is a validation error', async () => {
    await expectValidationError(sandbox().customers.createBatch({ customers: [] }), 'customers');
  });

  test('create without email: validation error on email', async () => {
    await expectValidationError(sandbox().customers.create({ id: unique('noemail'), fullName: 'No Email' }), 'email');
  });

  test('create with a malformed email: validation error on email', async () => {
    for (const email of ['not-an-email', 'a@', '@b.com', 'a b@c.com']) {
      await expectValidationError(sandbox().customers.create({ email }), 'email');
    }
  });

  test('create with an unknown country: validation error naming the country', async () => {
    const ext = unique('xx');
    await expectValidationError(sandbox().customers.create({
      id: ext,
      email: `${ext}@example.com`,
      address: { line1: 'Somewhere 1', city: 'Nowhere', postalCode: '00000', country: 'XX' },
    }), /(^|\.)country$/);
    await expectApiError(sandbox().customers.get({ id: ext }), { status: 404, code: 'customer_not_found' });
  });

  test('update with an unknown country or time zone: validation error', async () => {
    const commet = sandbox();
    const ext = unique('upd');
    await commet.customers.create({ id: ext, email: `${ext}@example.com` });
    await expectValidationError(commet.customers.update({
      id: ext, address: { line1: 'a', city: 'b', postalCode: 'c', country: 'XX' },
    }), /(^|\.)country$/);
    await expectValidationError(commet.customers.update({ id: ext, timezone: 'Mars/Olympus_Mons' }), 'timezone');
    await expectValidationError(commet.customers.update({ id: ext, email: 'nope' }), 'email');
  });

  test('an unknown customer is customer_not_found (404)', async () => {
    const commet = sandbox();
    const err = await expectApiError(commet.customers.get({ id: 'cus_00000000000000000000000000' }),
      { status: 404, code: 'customer_not_found' });
    assert.equal(err.name, 'CommetAPIError');
    await expectApiError(commet.customers.get({ id: unique('nobody') }), { status: 404, code: 'customer_not_found' });
    await expectApiError(commet.customers.update({ id: unique('nobody'), fullName: 'x' }), { status: 404, code: 'customer_not_found' });
  });
});
