// creditPacks.* of @commet/node 7.10.0 against the server (docs/product.md §3.1): name, credits, price (minor units).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { live, sandbox, useServer } from '../helpers/sdk.mjs';
import {
  assertDeleted, assertList, assertSuccess, expectApiError, expectRefused, expectValidationError, unique,
} from '../helpers/assertions.mjs';
import { assertCreditPack } from '../helpers/shapes.mjs';

useServer();

async function newPack(commet, extra = {}) {
  return assertSuccess(await commet.creditPacks.create({ name: unique('Pack'), credits: 1000, price: 999, ...extra }));
}

describe('credit packs', () => {
  test('create answers the pack as the SDK types it', async () => {
    const name = unique('Starter');
    const pack = assertSuccess(await sandbox().creditPacks.create({ name, description: '1,000 credits', credits: 1000, price: 999 }));
    assertCreditPack(pack);
    assert.equal(pack.name, name);
    assert.equal(pack.description, '1,000 credits');
    assert.equal(pack.credits, 1000);
    assert.equal(pack.price, 999);
    if (pack.isActive !== undefined) assert.equal(pack.isActive, true);
  });

  test('a pack without a description has description null', async () => {
    const pack = await newPack(sandbox());
    assert.equal(pack.description, null);
  });

  test('list answers the active packs with their currency', async () => {
    const commet = sandbox();
    const pack = await newPack(commet, { credits: 5000, price: 3999 });
    const list = assertList(await commet.creditPacks.list());
    for (const p of list) assertCreditPack(p);
    const mine = list.find((p) => p.id === pack.id);
    assert.ok(mine, 'the new pack is listed');
    assert.equal(mine.credits, 5000);
    assert.equal(mine.price, 3999);
    assert.equal(typeof mine.currency, 'string', 'list items carry currency');
    assert.match(mine.currency, /^[A-Za-z]{3}$/);
  });

  test('update name, description, credits and price', async () => {
    const commet = sandbox();
    const pack = await newPack(commet, { description: 'old' });
    const name = unique('Bigger');
    const updated = assertSuccess(await commet.creditPacks.update({ id: pack.id, name, credits: 2500, price: 1999 }));
    assertCreditPack(updated);
    assert.equal(updated.id, pack.id);
    assert.equal(updated.name, name);
    assert.equal(updated.credits, 2500);
    assert.equal(updated.price, 1999);
    assert.equal(updated.description, 'old', 'fields left out stay');
    const listed = assertList(await commet.creditPacks.list()).find((p) => p.id === pack.id);
    assert.equal(listed.price, 1999);
  });

  test('an inactive pack is not listed; reactivating lists it again', async () => {
    const commet = sandbox();
    const pack = await newPack(commet);
    const off = assertSuccess(await commet.creditPacks.update({ id: pack.id, isActive: false }));
    assertCreditPack(off);
    if (off.isActive !== undefined) assert.equal(off.isActive, false);
    assert.ok(!assertList(await commet.creditPacks.list()).some((p) => p.id === pack.id), 'inactive packs are not listed');
    assertSuccess(await commet.creditPacks.update({ id: pack.id, isActive: true }));
    assert.ok(assertList(await commet.creditPacks.list()).some((p) => p.id === pack.id));
  });

  test('create inactive', async () => {
    const commet = sandbox();
    const pack = await newPack(commet, { isActive: false });
    if (pack.isActive !== undefined) assert.equal(pack.isActive, false);
    assert.ok(!assertList(await commet.creditPacks.list()).some((p) => p.id === pack.id));
  });

  test('delete: the pack is no longer listed', async () => {
    const commet = sandbox();
    const pack = await newPack(commet);
    const deleted = assertSuccess(await commet.creditPacks.delete({ id: pack.id }));
    assertDeleted(deleted, pack.id, 'credit_pack', false);
    assert.ok(!assertList(await commet.creditPacks.list()).some((p) => p.id === pack.id));
    await expectApiError(commet.creditPacks.update({ id: pack.id, price: 1 }), { status: 404, code: 'credit_pack_not_found' });
  });

  test('validation: name, credits and price', async () => {
    const commet = sandbox();
    await expectValidationError(commet.creditPacks.create({ credits: 100, price: 100 }), 'name');
    await expectValidationError(commet.creditPacks.create({ name: unique('zero'), credits: 0, price: 100 }), 'credits');
    await expectValidationError(commet.creditPacks.create({ name: unique('neg'), credits: -5, price: 100 }), 'credits');
    await expectValidationError(commet.creditPacks.create({ name: unique('negp'), credits: 100, price: -1 }), 'price');
    const pack = await newPack(commet);
    await expectValidationError(commet.creditPacks.update({ id: pack.id, credits: 0 }), 'credits');
  });

  test('names are unique per organization', async () => {
    const commet = sandbox();
    const pack = await newPack(commet);
    const err = await expectRefused(commet.creditPacks.create({ name: pack.name, credits: 1, price: 1 }));
    if (err.statusCode) assert.equal(err.statusCode, 409);
  });

  test('unknown pack is credit_pack_not_found (404)', async () => {
    const nope = 'cpk_00000000000000000000000000';
    await expectApiError(sandbox().creditPacks.update({ id: nope, price: 1 }), { status: 404, code: 'credit_pack_not_found' });
    await expectApiError(sandbox().creditPacks.delete({ id: nope }), { status: 404, code: 'credit_pack_not_found' });
  });

  test('sandbox and live packs are separate', async () => {
    const pack = await newPack(sandbox());
    assert.ok(!assertList(await live().creditPacks.list()).some((p) => p.id === pack.id));
    await expectApiError(live().creditPacks.update({ id: pack.id, price: 1 }), { status: 404, code: 'credit_pack_not_found' });
    const livePack = assertSuccess(await live().creditPacks.create({ name: pack.name, credits: 10, price: 10 }));
    assertCreditPack(livePack, true);
  });

  test("a deleted pack's name can be used again", async () => {
    const commet = sandbox();
    const first = await newPack(commet);
    await commet.creditPacks.delete({ id: first.id });
    const second = assertSuccess(await commet.creditPacks.create({ name: first.name, credits: 10, price: 10 }));
    assertCreditPack(second);
    assert.notEqual(second.id, first.id);
  });
});
