// features.* of @commet/node 7.10.0 against the server (docs/product.md §3.1).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { live, sandbox, useServer } from '../helpers/sdk.mjs';
import {
  assertDeleted, assertList, assertSuccess, expectApiError, expectValidationError, unique,
} from '../helpers/assertions.mjs';
import { assertFeature } from '../helpers/shapes.mjs';

useServer();

/** A feature code that is valid and not yet used. */
const code = (p = 'f') => unique(p).toLowerCase();

describe('features', () => {
  test('create answers the feature as the SDK types it', async () => {
    const c = code('api_calls');
    const res = await sandbox().features.create({
      name: 'API Calls', code: c, type: 'usage', description: 'Requests to the API', unitName: 'call',
    });
    const f = assertSuccess(res);
    assertFeature(f);
    assert.equal(f.code, c);
    assert.equal(f.name, 'API Calls');
    assert.equal(f.type, 'usage');
    assert.equal(f.description, 'Requests to the API');
    assert.equal(f.unitName, 'call');
  });

  test('create a boolean and a seats feature; optional fields are null', async () => {
    for (const type of ['boolean', 'seats']) {
      const c = code(type);
      const f = assertSuccess(await sandbox().features.create({ name: `A ${type} feature`, code: c, type }));
      assertFeature(f);
      assert.equal(f.type, type);
      assert.equal(f.description, null);
      assert.equal(f.unitName, null);
    }
  });

  test('get by code answers the same feature', async () => {
    const c = code('get');
    const created = assertSuccess(await sandbox().features.create({ name: 'Gettable', code: c, type: 'boolean' }));
    const got = assertSuccess(await sandbox().features.get({ code: c }));
    assertFeature(got);
    assert.deepEqual(got, created);
  });

  test('list answers every feature of the organization', async () => {
    const a = code('list_a');
    const b = code('list_b');
    await sandbox().features.create({ name: 'List A', code: a, type: 'usage' });
    await sandbox().features.create({ name: 'List B', code: b, type: 'seats' });
    const list = assertList(await sandbox().features.list());
    for (const f of list) assertFeature(f);
    const codes = list.map((f) => f.code);
    assert.ok(codes.includes(a) && codes.includes(b), `both new features listed: ${codes.join(', ')}`);
    assert.equal(new Set(list.map((f) => f.id)).size, list.length, 'no duplicates');
  });

  test('update name, description and unitName; null clears', async () => {
    const c = code('upd');
    const created = assertSuccess(await sandbox().features.create({
      name: 'Storage', code: c, type: 'usage', description: 'Bytes stored', unitName: 'GB',
    }));
    const updated = assertSuccess(await sandbox().features.update({ code: c, name: 'Storage (GB)', unitName: 'gigabyte' }));
    assertFeature(updated);
    assert.equal(updated.id, created.id);
    assert.equal(updated.code, c, 'the code does not change');
    assert.equal(updated.type, 'usage');
    assert.equal(updated.name, 'Storage (GB)');
    assert.equal(updated.unitName, 'gigabyte');
    assert.equal(updated.description, 'Bytes stored', 'fields left out stay');
    assert.ok(Date.parse(updated.updatedAt) >= Date.parse(created.updatedAt));

    const cleared = assertSuccess(await sandbox().features.update({ code: c, description: null, unitName: null }));
    assert.equal(cleared.description, null);
    assert.equal(cleared.unitName, null);
    assert.equal(cleared.name, 'Storage (GB)');

    const got = assertSuccess(await sandbox().features.get({ code: c }));
    assert.equal(got.name, 'Storage (GB)');
    assert.equal(got.description, null);
  });

  test('update with no fields is a validation error', async () => {
    const c = code('nofields');
    await sandbox().features.create({ name: 'No fields', code: c, type: 'boolean' });
    const err = await expectValidationError(sandbox().features.update({ code: c }), /.+/);
    assert.ok(Object.keys(err.validationErrors).length > 0);
  });

  test("a code like 'Bad Code' is a validation error naming code", async () => {
    await expectValidationError(sandbox().features.create({ name: 'Bad', code: 'Bad Code', type: 'usage' }), 'code');
    for (const bad of ['UPPER', 'has-hyphen', 'with space', '', 'a'.repeat(101), 'ünï']) {
      await expectValidationError(sandbox().features.create({ name: 'Bad', code: bad, type: 'usage' }), 'code');
    }
  });

  test('a code of 100 characters is accepted', async () => {
    const c = `${code('long')}_`.padEnd(100, 'x');
    const f = assertSuccess(await sandbox().features.create({ name: 'Long code', code: c, type: 'boolean' }));
    assert.equal(f.code, c);
  });

  test('missing name or an unknown type is a validation error', async () => {
    await expectValidationError(sandbox().features.create({ code: code('noname'), type: 'usage' }), 'name');
    await expectValidationError(sandbox().features.create({ name: 'x', code: code('badtype'), type: 'metered' }), 'type');
    await expectValidationError(sandbox().features.create({ name: 'x', code: code('notype') }), 'type');
  });

  test('a duplicate code is 409 feature_already_exists', async () => {
    const c = code('dup');
    await sandbox().features.create({ name: 'First', code: c, type: 'usage' });
    await expectApiError(sandbox().features.create({ name: 'Second', code: c, type: 'boolean' }),
      { status: 409, code: 'feature_already_exists' });
    const got = assertSuccess(await sandbox().features.get({ code: c }));
    assert.equal(got.name, 'First', 'the first feature is untouched');
  });

  test('an unknown feature is feature_not_found (404)', async () => {
    const c = code('nope');
    await expectApiError(sandbox().features.get({ code: c }), { status: 404, code: 'feature_not_found' });
    await expectApiError(sandbox().features.update({ code: c, name: 'x' }), { status: 404, code: 'feature_not_found' });
    await expectApiError(sandbox().features.delete({ code: c }), { status: 404, code: 'feature_not_found' });
  });

  test('delete an unused feature; it is gone afterwards', async () => {
    const c = code('del');
    const created = assertSuccess(await sandbox().features.create({ name: 'Doomed', code: c, type: 'usage' }));
    const deleted = assertSuccess(await sandbox().features.delete({ code: c }));
    assertDeleted(deleted, created.id, 'feature', false);
    await expectApiError(sandbox().features.get({ code: c }), { status: 404, code: 'feature_not_found' });
    const list = assertList(await sandbox().features.list());
    assert.ok(!list.some((f) => f.code === c), 'not listed after delete');
  });

  test('a feature used by a plan cannot be deleted: 409 feature_in_use', async () => {
    const commet = sandbox();
    const c = code('inuse');
    const feature = assertSuccess(await commet.features.create({ name: 'In use', code: c, type: 'usage' }));
    const plan = assertSuccess(await commet.plans.create({ name: 'Uses it', code: code('plan_inuse') }));
    assertSuccess(await commet.plans.addFeature({ id: plan.id, featureId: feature.id, includedAmount: 10 }));

    await expectApiError(commet.features.delete({ code: c }), { status: 409, code: 'feature_in_use' });
    assertFeature(assertSuccess(await commet.features.get({ code: c })));
  });

  test('sandbox and live features are separate', async () => {
    const c = code('modes');
    const s = assertSuccess(await sandbox().features.create({ name: 'Sandbox one', code: c, type: 'usage' }));
    await expectApiError(live().features.get({ code: c }), { status: 404, code: 'feature_not_found' });
    assert.ok(!assertList(await live().features.list()).some((f) => f.id === s.id));

    const l = assertSuccess(await live().features.create({ name: 'Live one', code: c, type: 'boolean' }));
    assertFeature(l, true);
    assert.notEqual(l.id, s.id);
    assert.equal(assertSuccess(await sandbox().features.get({ code: c })).name, 'Sandbox one');
    assert.equal(assertSuccess(await live().features.get({ code: c })).name, 'Live one');
    for (const f of assertList(await live().features.list())) assertFeature(f, true);
  });

  test('a feature granted by an add-on cannot be deleted: 409 feature_in_use', async () => {
    const commet = sandbox();
    const c = code('addon_inuse');
    const feature = assertSuccess(await commet.features.create({ name: 'Add-on feature', code: c, type: 'boolean' }));
    const addon = assertSuccess(await commet.addons.create({ name: unique('Grants it'), basePrice: 100, featureId: feature.id, consumptionModel: 'boolean' }));
    await expectApiError(commet.features.delete({ code: c }), { status: 409, code: 'feature_in_use' });
    assertSuccess(await commet.addons.delete({ id: addon.id }));
    assertDeleted(assertSuccess(await commet.features.delete({ code: c })), feature.id, 'feature', false);
  });

  test('once removed from every plan, a feature can be deleted', async () => {
    const commet = sandbox();
    const c = code('freed');
    const feature = assertSuccess(await commet.features.create({ name: 'Freed', code: c, type: 'usage' }));
    const plan = assertSuccess(await commet.plans.create({ name: 'Frees it', code: code('plan_frees') }));
    await commet.plans.addFeature({ id: plan.id, featureId: feature.id, includedAmount: 1 });
    await expectApiError(commet.features.delete({ code: c }), { status: 409, code: 'feature_in_use' });
    await commet.plans.removeFeature({ id: plan.id, featureId: feature.id });
    assertDeleted(assertSuccess(await commet.features.delete({ code: c })), feature.id, 'feature', false);
  });

  test("a deleted feature's code can be used again", async () => {
    const commet = sandbox();
    const c = code('reuse');
    const first = assertSuccess(await commet.features.create({ name: 'First life', code: c, type: 'usage' }));
    await commet.features.delete({ code: c });
    const second = assertSuccess(await commet.features.create({ name: 'Second life', code: c, type: 'boolean' }));
    assertFeature(second);
    assert.notEqual(second.id, first.id);
    const got = assertSuccess(await commet.features.get({ code: c }));
    assert.equal(got.id, second.id);
    assert.equal(got.type, 'boolean');
  });
});
