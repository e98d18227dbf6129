// addons.* of @commet/node 7.10.0 against the server (docs/product.md §3.1): one add-on per feature; basePrice in minor
// units, overageRate in rate scale.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { live, sandbox, useServer } from '../helpers/sdk.mjs';
import {
  assertDeleted, assertList, assertSuccess, expectApiError, expectValidationError, unique,
} from '../helpers/assertions.mjs';
import { assertAddon } from '../helpers/shapes.mjs';

useServer();

async function newFeature(commet, type = 'usage') {
  const c = unique(`adn_${type}`).toLowerCase();
  return assertSuccess(await commet.features.create({ name: `Feature ${c}`, code: c, type }));
}

describe('add-ons', () => {
  test('create a boolean add-on: the fields of the SDK Addon type', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'boolean');
    const res = await commet.addons.create({
      name: 'Priority Support', description: 'Answers within an hour', basePrice: 1500,
      featureId: feature.id, consumptionModel: 'boolean',
    });
    const addon = assertSuccess(res);
    assertAddon(addon);
    assert.equal(addon.name, 'Priority Support');
    assert.equal(addon.description, 'Answers within an hour');
    assert.equal(addon.basePrice, 1500);
    assert.equal(addon.consumptionModel, 'boolean');
    assert.equal(addon.featureCode, feature.code);
    assert.equal(addon.featureName, feature.name);
    assert.equal(addon.includedUnits, null);
    assert.equal(addon.overageRate, null);
    assert.equal(addon.creditCost, null);
    assert.match(addon.slug, /^[a-z0-9][a-z0-9_-]*$/, 'the slug is URL-safe');
    assert.match(addon.slug, /priority/, 'the slug comes from the name');
  });

  test('create a metered add-on with included units and an overage rate', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage');
    const addon = assertSuccess(await commet.addons.create({
      name: unique('Extra Storage'), basePrice: 900, featureId: feature.id, consumptionModel: 'metered',
      includedUnits: 500, overageRate: 10,
    }));
    assertAddon(addon);
    assert.equal(addon.consumptionModel, 'metered');
    assert.equal(addon.includedUnits, 500);
    assert.equal(addon.overageRate, 10);
    assert.equal(addon.description, null);
  });

  test('create a credits add-on with a credit cost', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage');
    const addon = assertSuccess(await commet.addons.create({
      name: unique('Image generation'), basePrice: 0, featureId: feature.id, consumptionModel: 'credits', creditCost: 5,
    }));
    assertAddon(addon);
    assert.equal(addon.creditCost, 5);
    assert.equal(addon.basePrice, 0);
  });

  test('a second add-on for the same feature is refused with 409', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'boolean');
    await commet.addons.create({ name: unique('First'), basePrice: 100, featureId: feature.id, consumptionModel: 'boolean' });
    await expectApiError(commet.addons.create({ name: unique('Second'), basePrice: 200, featureId: feature.id, consumptionModel: 'boolean' }),
      { status: 409 });
  });

  test('get by id and by slug', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'boolean');
    const created = assertSuccess(await commet.addons.create({
      name: unique('Gettable'), basePrice: 100, featureId: feature.id, consumptionModel: 'boolean',
    }));
    const byId = assertSuccess(await commet.addons.get({ id: created.id }));
    assertAddon(byId);
    assert.deepEqual(byId, created);
    const bySlug = assertSuccess(await commet.addons.get({ id: created.slug }));
    assert.equal(bySlug.id, created.id);
  });

  test('slugs are unique even for equal names', async () => {
    const commet = sandbox();
    const name = unique('Same Name');
    const a = assertSuccess(await commet.addons.create({ name, basePrice: 1, featureId: (await newFeature(commet, 'boolean')).id, consumptionModel: 'boolean' }));
    const b = assertSuccess(await commet.addons.create({ name, basePrice: 1, featureId: (await newFeature(commet, 'boolean')).id, consumptionModel: 'boolean' }));
    assert.notEqual(a.slug, b.slug);
    assert.equal(assertSuccess(await commet.addons.get({ id: b.slug })).id, b.id);
  });

  test('list pages with limit and cursor', async () => {
    const commet = sandbox();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const f = await newFeature(commet, 'boolean');
      ids.push(assertSuccess(await commet.addons.create({ name: unique(`Listed ${i}`), basePrice: 100, featureId: f.id, consumptionModel: 'boolean' })).id);
    }
    const all = assertList(await commet.addons.list({ limit: 100 }));
    for (const a of all) assertAddon(a);
    for (const id of ids) assert.ok(all.some((a) => a.id === id), `add-on ${id} is listed`);

    const first = await commet.addons.list({ limit: 2 });
    const page1 = assertList(first);
    assert.equal(page1.length, 2);
    assert.equal(first.hasMore, true);
    assert.equal(typeof first.nextCursor, 'string');
    const page2 = assertList(await commet.addons.list({ limit: 2, cursor: first.nextCursor }));
    for (const a of page2) assert.ok(!page1.some((x) => x.id === a.id), 'no add-on on two pages');
  });

  test('update name, description and prices', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage');
    const created = assertSuccess(await commet.addons.create({
      name: unique('Updatable'), basePrice: 500, featureId: feature.id, consumptionModel: 'metered', includedUnits: 100, overageRate: 5,
    }));
    const name = unique('Updated');
    const updated = assertSuccess(await commet.addons.update({ id: created.id, name, description: 'now described', basePrice: 2000, includedUnits: 250 }));
    assertAddon(updated);
    assert.equal(updated.id, created.id);
    assert.equal(updated.name, name);
    assert.equal(updated.description, 'now described');
    assert.equal(updated.basePrice, 2000);
    assert.equal(updated.includedUnits, 250);
    assert.equal(updated.overageRate, 5, 'fields left out stay');
    assert.equal(updated.featureCode, feature.code);
    assert.equal(assertSuccess(await commet.addons.get({ id: created.id })).basePrice, 2000);
  });

  test('delete: gone from get and list', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'boolean');
    const created = assertSuccess(await commet.addons.create({ name: unique('Doomed'), basePrice: 100, featureId: feature.id, consumptionModel: 'boolean' }));
    const deleted = assertSuccess(await commet.addons.delete({ id: created.id }));
    assertDeleted(deleted, created.id, 'addon', false);
    await expectApiError(commet.addons.get({ id: created.id }), { status: 404, code: 'addon_not_found' });
    assert.ok(!assertList(await commet.addons.list({ limit: 100 })).some((a) => a.id === created.id));
  });

  test('validation: name, basePrice, consumptionModel; unknown feature', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'boolean');
    await expectValidationError(commet.addons.create({ basePrice: 100, featureId: feature.id, consumptionModel: 'boolean' }), 'name');
    await expectValidationError(commet.addons.create({ name: 'x', basePrice: -1, featureId: feature.id, consumptionModel: 'boolean' }), 'basePrice');
    await expectValidationError(commet.addons.create({ name: 'x', basePrice: 1, featureId: feature.id, consumptionModel: 'seats' }), 'consumptionModel');
    await expectApiError(commet.addons.create({ name: 'x', basePrice: 1, featureId: 'ftr_00000000000000000000000000', consumptionModel: 'boolean' }),
      { status: 404, code: 'feature_not_found' });
  });

  test('unknown add-on is addon_not_found (404)', async () => {
    const nope = 'adn_00000000000000000000000000';
    await expectApiError(sandbox().addons.get({ id: nope }), { status: 404, code: 'addon_not_found' });
    await expectApiError(sandbox().addons.update({ id: nope, name: 'x' }), { status: 404, code: 'addon_not_found' });
    await expectApiError(sandbox().addons.delete({ id: nope }), { status: 404, code: 'addon_not_found' });
  });

  test('sandbox and live add-ons are separate', async () => {
    const feature = await newFeature(sandbox(), 'boolean');
    const addon = assertSuccess(await sandbox().addons.create({ name: unique('Mode'), basePrice: 1, featureId: feature.id, consumptionModel: 'boolean' }));
    await expectApiError(live().addons.get({ id: addon.id }), { status: 404, code: 'addon_not_found' });
    await expectApiError(live().addons.create({ name: 'x', basePrice: 1, featureId: feature.id, consumptionModel: 'boolean' }),
      { status: 404, code: 'feature_not_found' });
    assert.ok(!assertList(await live().addons.list()).some((a) => a.id === addon.id));
  });

  test('after an add-on is deleted, its feature can get a new one', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'boolean');
    const first = assertSuccess(await commet.addons.create({ name: unique('First'), basePrice: 100, featureId: feature.id, consumptionModel: 'boolean' }));
    await commet.addons.delete({ id: first.id });
    const second = assertSuccess(await commet.addons.create({ name: unique('Second'), basePrice: 200, featureId: feature.id, consumptionModel: 'boolean' }));
    assertAddon(second);
    assert.notEqual(second.id, first.id);
    assert.equal(second.featureCode, feature.code);
  });
});
