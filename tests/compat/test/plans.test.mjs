// plans.* of @commet/node 7.10.0 against the server (docs/product.md §3.1): plans, prices, plan features, visibility.
// Money: plan `price` is in minor units (4900 = $49.00); `overage.unitPrice` is rate scale (20 = $0.002/unit).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { live, sandbox, useServer } from '../helpers/sdk.mjs';
import {
  assertDeleted, assertList, assertObject, assertShape, assertSuccess, expectApiError, expectRefused,
  expectValidationError, unique,
} from '../helpers/assertions.mjs';
import { assertPlan, assertPlanFeature, assertPlanPrice } from '../helpers/shapes.mjs';

useServer();

const code = (p = 'p') => unique(p).toLowerCase();

async function newFeature(commet, type = 'usage') {
  const c = code(`ftr_${type}`);
  return assertSuccess(await commet.features.create({ name: `Feature ${c}`, code: c, type, unitName: type === 'usage' ? 'call' : undefined }));
}

async function newPlan(commet, extra = {}) {
  const c = code('plan');
  return assertSuccess(await commet.plans.create({ name: `Plan ${c}`, code: c, ...extra }));
}

describe('plans', () => {
  test('create answers the plan as the SDK types it', async () => {
    const c = code('pro');
    const res = await sandbox().plans.create({
      name: 'Pro', code: c, description: 'For growing teams', consumptionModel: 'metered', isPublic: true,
      metadata: { tier: 2, highlight: true },
    });
    const plan = assertSuccess(res);
    assertPlan(plan);
    assert.equal(plan.name, 'Pro');
    assert.equal(plan.code, c);
    assert.equal(plan.description, 'For growing teams');
    assert.equal(plan.consumptionModel, 'metered');
    assert.equal(plan.isPublic, true);
    assert.equal(plan.isFree, false);
    assert.equal(plan.planGroupId, null);
    assert.deepEqual(plan.metadata, { tier: 2, highlight: true });
  });

  test('a minimal plan gets sensible defaults', async () => {
    const c = code('min');
    const plan = assertSuccess(await sandbox().plans.create({ name: 'Minimal', code: c }));
    assertPlan(plan);
    assert.equal(plan.description, null);
    assert.equal(plan.isPublic, true, 'public unless told otherwise');
    assert.equal(plan.isFree, false);
    assert.equal(plan.planGroupId, null);
  });

  test('create a free plan and a balance plan', async () => {
    const free = assertSuccess(await sandbox().plans.create({ name: 'Free', code: code('free'), isFree: true }));
    assertPlan(free);
    assert.equal(free.isFree, true);

    const balance = assertSuccess(await sandbox().plans.create({
      name: 'Pay as you go', code: code('payg'), consumptionModel: 'balance', blockOnExhaustion: true,
    }));
    assertPlan(balance);
    assert.equal(balance.consumptionModel, 'balance');
    assert.equal(balance.blockOnExhaustion, true);
  });

  test('addPrice monthly 4900 and addFeature with overage; get echoes both', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet);
    const planCode = code('echo');
    const plan = assertSuccess(await commet.plans.create({ name: 'Echo', code: planCode, consumptionModel: 'metered' }));

    const price = assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 4900 }));
    assertPlanPrice(price, plan.id);
    assert.equal(price.billingInterval, 'monthly');
    assert.equal(price.price, 4900);
    assert.equal(price.trialDays, 0);
    assert.equal(price.isDefault, true, 'the only price is the default');
    assert.equal(price.includedBalance, null);
    assert.equal(price.includedCredits, null);

    const pf = assertSuccess(await commet.plans.addFeature({
      id: plan.id, featureId: feature.id, includedAmount: 1000, overage: { enabled: true, unitPrice: 20 },
    }));
    assertPlanFeature(pf, plan.id, feature.id);
    assert.equal(pf.enabled, true);
    assert.equal(pf.includedAmount, 1000);
    assert.equal(pf.unlimited, false);
    assert.deepEqual(pf.overage, { enabled: true, unitPrice: 20 });
    assert.equal(pf.creditsPerUnit, null);
    assert.equal(pf.pricingMode, 'fixed');
    assert.equal(pf.margin, null);

    for (const id of [plan.id, planCode]) {
      const got = assertSuccess(await commet.plans.get({ id }));
      assertPlan(got);
      assert.equal(got.id, plan.id, `get by ${id}`);
      assert.equal(got.code, planCode);
      assert.ok(Array.isArray(got.prices), 'plans.get includes prices');
      assert.ok(Array.isArray(got.features), 'plans.get includes features');
      assert.equal(got.prices.length, 1);
      assert.deepEqual(
        { billingInterval: got.prices[0].billingInterval, price: got.prices[0].price, isDefault: got.prices[0].isDefault, trialDays: got.prices[0].trialDays },
        { billingInterval: 'monthly', price: 4900, isDefault: true, trialDays: 0 },
      );
      assert.equal(got.features.length, 1);
      const f = got.features[0];
      assert.equal(f.code, feature.code);
      assert.equal(f.name, feature.name);
      assert.equal(f.type, 'usage');
      assert.equal(f.unitName, 'call');
      assert.equal(f.enabled, true);
      assert.equal(f.includedAmount, 1000);
      assert.equal(f.unlimited, false);
      assert.equal(f.overage?.enabled, true);
      assert.equal(f.overage?.unitPrice, 20);
    }
  });

  test('a second price: one default at a time, setDefaultPrice moves it', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet);
    const monthly = assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 4900 }));
    const yearly = assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'yearly', price: 49000, trialDays: 14 }));
    assertPlanPrice(yearly, plan.id);
    assert.equal(yearly.billingInterval, 'yearly');
    assert.equal(yearly.price, 49000);
    assert.equal(yearly.trialDays, 14);
    assert.notEqual(yearly.id, monthly.id);

    let got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.equal(got.prices.length, 2);
    assert.equal(got.prices.filter((x) => x.isDefault).length, 1, 'exactly one default price');
    assert.equal(got.prices.find((x) => x.isDefault).billingInterval, 'monthly');

    const def = assertSuccess(await commet.plans.setDefaultPrice({ id: plan.id, priceId: yearly.id }));
    assertShape(def, { id: 'string', isDefault: 'boolean' }, 'defaultPlanPrice', 'DefaultPlanPrice');
    assertObject(def, 'plan', false, 'defaultPlanPrice');
    assert.equal(def.id, yearly.id);
    assert.equal(def.isDefault, true);

    got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.equal(got.prices.filter((x) => x.isDefault).length, 1, 'still exactly one default price');
    const yearlyRow = got.prices.find((x) => x.isDefault);
    assert.equal(yearlyRow.billingInterval, 'yearly');
    assert.equal(yearlyRow.trialDays, 14);
  });

  test('addPrice with isDefault on a later price makes it the only default', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet);
    await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 1000 });
    const q = assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'quarterly', price: 2700, isDefault: true }));
    assert.equal(q.isDefault, true);
    const got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.deepEqual(got.prices.filter((x) => x.isDefault).map((x) => x.billingInterval), ['quarterly']);
  });

  test('credits and balance prices carry their monthly allowances', async () => {
    const commet = sandbox();
    const credits = await newPlan(commet, { consumptionModel: 'credits' });
    const cp = assertSuccess(await commet.plans.addPrice({ id: credits.id, billingInterval: 'monthly', price: 2900, includedCredits: 5000 }));
    assertPlanPrice(cp, credits.id);
    assert.equal(cp.includedCredits, 5000);

    const balance = await newPlan(commet, { consumptionModel: 'balance' });
    const bp = assertSuccess(await commet.plans.addPrice({ id: balance.id, billingInterval: 'yearly', price: 99000, includedBalance: 100000 }));
    assertPlanPrice(bp, balance.id);
    assert.equal(bp.includedBalance, 100000);
    const got = assertSuccess(await commet.plans.get({ id: balance.id }));
    assert.equal(got.prices[0].includedBalance, 100000);
  });

  test('updatePrice and deletePrice', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet);
    const monthly = assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 4900 }));
    const yearly = assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'yearly', price: 49000 }));

    const updated = assertSuccess(await commet.plans.updatePrice({ id: plan.id, priceId: monthly.id, price: 5900, trialDays: 7 }));
    assertPlanPrice(updated, plan.id);
    assert.equal(updated.id, monthly.id);
    assert.equal(updated.price, 5900);
    assert.equal(updated.trialDays, 7);
    assert.equal(updated.billingInterval, 'monthly');

    const deleted = assertSuccess(await commet.plans.deletePrice({ id: plan.id, priceId: yearly.id }));
    assertShape(deleted, { id: 'string', deleted: 'boolean' }, 'deleted', 'DeletedObject');
    assert.equal(deleted.id, yearly.id);
    assert.equal(deleted.deleted, true);
    const got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.deepEqual(got.prices.map((x) => [x.billingInterval, x.price]), [['monthly', 5900]]);
  });

  test('price validation: unknown interval, negative price, duplicate interval', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet);
    await expectValidationError(commet.plans.addPrice({ id: plan.id, billingInterval: 'daily', price: 100 }), 'billingInterval');
    await expectValidationError(commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: -1 }), 'price');
    await expectValidationError(commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 100, trialDays: -3 }), 'trialDays');
    await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 100 });
    await expectRefused(commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 200 }));
    const got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.deepEqual(got.prices.map((x) => x.price), [100], 'one price per interval');
  });

  test('updateFeature and removeFeature', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet);
    const seats = await newFeature(commet, 'seats');
    const plan = await newPlan(commet, { consumptionModel: 'metered' });
    await commet.plans.addFeature({ id: plan.id, featureId: feature.id, includedAmount: 1000, overage: { enabled: true, unitPrice: 20 } });
    await commet.plans.addFeature({ id: plan.id, featureId: seats.id, includedAmount: 5 });

    const updated = assertSuccess(await commet.plans.updateFeature({
      id: plan.id, featureId: feature.id, includedAmount: 2000, overage: { unitPrice: 15 },
    }));
    assertPlanFeature(updated, plan.id, feature.id);
    assert.equal(updated.includedAmount, 2000);
    assert.equal(updated.overage.unitPrice, 15);
    assert.equal(updated.overage.enabled, true, 'overage.enabled left out stays');

    const unlimited = assertSuccess(await commet.plans.updateFeature({ id: plan.id, featureId: seats.id, unlimited: true }));
    assert.equal(unlimited.unlimited, true);

    const removed = assertSuccess(await commet.plans.removeFeature({ id: plan.id, featureId: seats.id }));
    assertShape(removed, { id: 'string', removed: 'boolean' }, 'removedPlanFeature', 'RemovedPlanFeature');
    assertObject(removed, 'plan', false, 'removedPlanFeature');
    assert.equal(removed.removed, true);

    const got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.deepEqual(got.features.map((f) => f.code), [feature.code]);
    assert.equal(got.features[0].includedAmount, 2000);
    assert.equal(got.features[0].overage?.unitPrice, 15);
  });

  test('plan feature errors: unknown feature, feature added twice', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet);
    await expectApiError(commet.plans.addFeature({ id: plan.id, featureId: 'ftr_00000000000000000000000000', includedAmount: 1 }),
      { status: 404, code: 'feature_not_found' });
    const feature = await newFeature(commet);
    await commet.plans.addFeature({ id: plan.id, featureId: feature.id, includedAmount: 1 });
    await expectRefused(commet.plans.addFeature({ id: plan.id, featureId: feature.id, includedAmount: 2 }));
    await expectValidationError(commet.plans.addFeature({ id: plan.id, featureId: (await newFeature(commet)).id, includedAmount: -5 }), 'includedAmount');
  });

  test('update name, description and metadata', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet, { description: 'Old', metadata: { a: 1 } });
    const updated = assertSuccess(await commet.plans.update({ id: plan.id, name: 'Renamed', metadata: { b: 2 } }));
    assertPlan(updated);
    assert.equal(updated.id, plan.id);
    assert.equal(updated.code, plan.code, 'the code does not change');
    assert.equal(updated.name, 'Renamed');
    assert.equal(updated.description, 'Old');
    assert.deepEqual(updated.metadata, { b: 2 });
    const cleared = assertSuccess(await commet.plans.update({ id: plan.id, description: null }));
    assert.equal(cleared.description, null);
    assert.equal(cleared.name, 'Renamed');
  });

  test('setVisibility: private plans are listed only with includePrivate', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet);
    const other = await newPlan(commet);

    let list = assertList(await commet.plans.list());
    for (const p of list) assertPlan(p);
    assert.ok(list.some((p) => p.id === plan.id), 'a public plan is listed');

    const vis = assertSuccess(await commet.plans.setVisibility({ id: plan.id, isPublic: false }));
    assertShape(vis, { id: 'string', isPublic: 'boolean' }, 'planVisibility', 'PlanVisibility');
    assertObject(vis, 'plan', false, 'planVisibility');
    assert.equal(vis.id, plan.id);
    assert.equal(vis.isPublic, false);

    list = assertList(await commet.plans.list());
    assert.ok(!list.some((p) => p.id === plan.id), 'a private plan is not listed by default');
    assert.ok(list.some((p) => p.id === other.id));
    for (const p of list) assert.equal(p.isPublic, true);
    list = assertList(await commet.plans.list({ includePrivate: 'false' }));
    assert.ok(!list.some((p) => p.id === plan.id), "includePrivate 'false' hides it too");
    list = assertList(await commet.plans.list({ includePrivate: 'true' }));
    const priv = list.find((p) => p.id === plan.id);
    assert.ok(priv, "includePrivate 'true' lists it");
    assert.equal(priv.isPublic, false);

    const got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.equal(got.isPublic, false, 'a private plan can still be read directly');

    const back = assertSuccess(await commet.plans.setVisibility({ id: plan.id, isPublic: true }));
    assert.equal(back.isPublic, true);
    assert.ok(assertList(await commet.plans.list()).some((p) => p.id === plan.id));
  });

  test('list answers plans with their prices and features', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet);
    const plan = await newPlan(commet, { consumptionModel: 'metered' });
    await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 1500 });
    await commet.plans.addFeature({ id: plan.id, featureId: feature.id, includedAmount: 10 });
    const listed = assertList(await commet.plans.list()).find((p) => p.id === plan.id);
    assert.ok(listed);
    assertPlan(listed);
    if (listed.prices) assert.deepEqual(listed.prices.map((x) => x.price), [1500]);
    if (listed.features) assert.deepEqual(listed.features.map((f) => f.code), [feature.code]);
  });

  test('plan code rules: bad code is a validation error, a duplicate is refused', async () => {
    const commet = sandbox();
    await expectValidationError(commet.plans.create({ name: 'Bad', code: 'Bad Code' }), 'code');
    await expectValidationError(commet.plans.create({ code: code('noname') }), 'name');
    await expectValidationError(commet.plans.create({ name: 'x', code: code('model'), consumptionModel: 'prepaid' }), 'consumptionModel');
    const c = code('dup');
    await commet.plans.create({ name: 'First', code: c });
    const err = await expectRefused(commet.plans.create({ name: 'Second', code: c }));
    if (err.statusCode) assert.equal(err.statusCode, 409, 'a duplicate code is a conflict');
  });

  test('an unknown plan is plan_not_found (404)', async () => {
    const commet = sandbox();
    await expectApiError(commet.plans.get({ id: 'plan_00000000000000000000000000' }), { status: 404, code: 'plan_not_found' });
    await expectApiError(commet.plans.get({ id: code('nope') }), { status: 404, code: 'plan_not_found' });
    await expectApiError(commet.plans.addPrice({ id: 'plan_00000000000000000000000000', billingInterval: 'monthly', price: 1 }),
      { status: 404, code: 'plan_not_found' });
    await expectApiError(commet.plans.setVisibility({ id: code('nope'), isPublic: false }), { status: 404, code: 'plan_not_found' });
  });

  test('delete: the plan is gone from get and list', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet);
    await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 100 });
    const deleted = assertSuccess(await commet.plans.delete({ id: plan.id }));
    assertDeleted(deleted, plan.id, 'plan', false);
    await expectApiError(commet.plans.get({ id: plan.id }), { status: 404, code: 'plan_not_found' });
    assert.ok(!assertList(await commet.plans.list({ includePrivate: 'true' })).some((p) => p.id === plan.id));
  });

  test('sandbox and live plans are separate', async () => {
    const plan = await newPlan(sandbox());
    await expectApiError(live().plans.get({ id: plan.id }), { status: 404, code: 'plan_not_found' });
    await expectApiError(live().plans.get({ id: plan.code }), { status: 404, code: 'plan_not_found' });
    assert.ok(!assertList(await live().plans.list({ includePrivate: 'true' })).some((p) => p.id === plan.id));
    const livePlan = assertSuccess(await live().plans.create({ name: 'Live', code: plan.code }));
    assertPlan(livePlan, true);
    const sandboxFeature = await newFeature(sandbox());
    await expectApiError(live().plans.addFeature({ id: livePlan.id, featureId: sandboxFeature.id, includedAmount: 1 }),
      { status: 404, code: 'feature_not_found' });
  });

  test("a deleted plan's code can be used again", async () => {
    const commet = sandbox();
    const first = await newPlan(commet);
    await commet.plans.delete({ id: first.id });
    const second = assertSuccess(await commet.plans.create({ name: 'Second life', code: first.code }));
    assertPlan(second);
    assert.notEqual(second.id, first.id);
    assert.equal(assertSuccess(await commet.plans.get({ id: first.code })).id, second.id);
  });
});
