// usage.*, seats.*, featureAccess.* and the purchase methods of subscriptions.* (purchaseCredits, topupBalance,
// adjustBalance) of @commet/node 7.10.0 against the server (docs/product.md §3.4), with hand-worked numbers:
//  - credits: 1,000 included credits, 10 credits per use, a 500-credit pack bought mid-month; after 120 uses the plan
//    credits are 0 and 300 purchased credits are left; at 0 usage is refused with insufficient_credits;
//  - metered: 10,000 included, overage at 20 (rate scale: $0.002 a unit); 15,000 used → the renewal invoice carries a
//    feature_overage line of 5,000 × $0.002 = 1000 cents;
//  - balance: a plan that does not block on exhaustion goes negative; one that blocks refuses;
//  - seats: add/remove/set/setAll/getBalance/getAllBalances, insufficient_seats, seat_limit_exceeded;
//  - feature access: list/get/canUse; a duplicate idempotencyKey on track counts once.
// Units (docs/wire.md): includedBalance, balance read-outs and per-unit prices in rate scale (10000 = $1.00); top-ups in
// minor units; credits are plain integers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommetAPIError, listAll, live, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertList, assertShape, assertSuccess, expectApiError, expectRefused, expectValidationError, unique } from '../helpers/assertions.mjs';
import {
  assertBalanceAdjustment, assertBalanceTopup, assertBulkSeatUpdate, assertCreditGrant, assertFeatureAccess, assertFeatureLookup, assertInvoice,
  assertSeatBalance, assertSeatEvent, assertSubscription, assertUsageAdjustment, assertUsageCheckResult, assertUsageEvent,
} from '../helpers/shapes.mjs';
import { clockNow, code, freezeAt, newCustomer, newFeature, payingCustomer, processBilling } from '../helpers/billing.mjs';

useServer();

/** A plan with one monthly price, the given consumption model and features: [{feature, ...addFeature params}]. */
async function planWith(commet, { model = 'metered', price = 2900, priceOptions = {}, features = [], ...extra } = {}) {
  const c = code('plan');
  const plan = assertSuccess(await commet.plans.create({ name: `Plan ${c}`, code: c, consumptionModel: model, ...extra }));
  assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price, ...priceOptions }));
  for (const { feature, ...params } of features) {
    assertSuccess(await commet.plans.addFeature({ id: plan.id, featureId: feature.id, ...params }));
  }
  return plan;
}

async function subscribe(commet, customer, plan) {
  const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
  assert.equal(sub.status, 'active', `the subscription is active: ${JSON.stringify(sub)}`);
  return sub;
}

async function getSub(commet, id) {
  const sub = assertSuccess(await commet.subscriptions.get({ id }));
  assertSubscription(sub);
  return sub;
}

async function check(commet, customer, feature, quantity = 1) {
  const r = assertSuccess(await commet.usage.check({ customerId: customer.id, featureCode: feature.code, quantity }));
  assertUsageCheckResult(r);
  assert.equal(r.feature, feature.code);
  assert.equal(r.quantity, quantity);
  return r;
}

async function track(commet, customer, feature, extra = {}) {
  const e = assertSuccess(await commet.usage.track({ customerId: customer.id, feature: feature.code, ...extra }));
  assertUsageEvent(e);
  return e;
}

async function trackTimes(commet, customer, feature, times) {
  for (let i = 0; i < times; i++) await track(commet, customer, feature);
}

describe('credits', () => {
  test('1,000 included credits at 10 a use, a 500-credit pack mid-month: after 120 uses 0 plan + 300 purchased; refused at 0', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage', { unitName: 'call' });
    const plan = await planWith(commet, {
      model: 'credits', price: 2900, priceOptions: { includedCredits: 1000 }, features: [{ feature, enabled: true, creditsPerUnit: 10 }],
    });
    const pack = assertSuccess(await commet.creditPacks.create({ name: unique('500 credits'), credits: 500, price: 1000 }));
    const customer = await payingCustomer(commet);
    const sub = await subscribe(commet, customer, plan);
    assert.deepEqual((await getSub(commet, sub.id)).credits, { remaining: 1000, included: 1000, purchased: 0 });

    const first = await check(commet, customer, feature);
    assert.equal(first.allowed, true);
    assert.equal(first.consumptionModel, 'credits');
    assert.equal(first.creditsPerUnit, 10);
    assert.equal(first.estimatedCredits, 10);
    assert.equal(first.planCredits, 1000);
    assert.equal(first.purchasedCredits, 0);
    assert.equal(first.totalCredits, 1000);

    const event = await track(commet, customer, feature);
    assert.equal(event.feature, feature.code);
    assert.equal(event.customerId, customer.id);
    await trackTimes(commet, customer, feature, 59);
    const mid = await check(commet, customer, feature);
    assert.equal(mid.planCredits, 400, '60 uses × 10 credits taken from the plan credits');
    assert.equal(mid.purchasedCredits, 0);

    // Mid-month the customer buys a pack.
    const grant = assertSuccess(await commet.subscriptions.purchaseCredits({ id: sub.id, creditPackId: pack.id }));
    assertCreditGrant(grant);
    assert.equal(grant.credits, 500);
    assert.deepEqual((await getSub(commet, sub.id)).credits, { remaining: 900, included: 1000, purchased: 500 });

    await trackTimes(commet, customer, feature, 60);
    const after = await check(commet, customer, feature);
    assert.equal(after.allowed, true);
    assert.equal(after.planCredits, 0, 'plan credits are spent first');
    assert.equal(after.purchasedCredits, 300, 'then purchased credits: 500 − 200');
    assert.equal(after.totalCredits, 300);
    assert.deepEqual((await getSub(commet, sub.id)).credits, { remaining: 300, included: 1000, purchased: 300 });

    const tooMuch = await check(commet, customer, feature, 31);
    assert.equal(tooMuch.allowed, false);
    assert.equal(tooMuch.reason, 'insufficient_credits');
    assert.equal(tooMuch.estimatedCredits, 310);

    // 30 more uses in one event take the last 300 credits; then nothing more is allowed.
    await track(commet, customer, feature, { value: 30 });
    const empty = await check(commet, customer, feature);
    assert.equal(empty.allowed, false);
    assert.equal(empty.reason, 'insufficient_credits');
    assert.equal(empty.totalCredits, 0);
    const refused = await expectApiError(commet.usage.track({ customerId: customer.id, feature: feature.code }), { code: 'insufficient_credits' });
    assert.ok(refused.statusCode >= 400 && refused.statusCode < 500, `a 4xx, got ${refused.statusCode}`);
    assert.deepEqual((await getSub(commet, sub.id)).credits, { remaining: 0, included: 1000, purchased: 0 });
    const access = assertSuccess(await commet.featureAccess.canUse({ customerId: customer.id, code: feature.code }));
    assertFeatureLookup(access);
    assert.equal(access.allowed, false);

    // An adjustment gives credits back without a charge.
    const adjusted = assertSuccess(await commet.subscriptions.adjustBalance({ id: sub.id, amount: 50, reason: 'goodwill', type: 'credits' }));
    assertBalanceAdjustment(adjusted);
    assert.equal(adjusted.amount, 50);
    assert.equal(adjusted.newBalance, 50);
    assert.equal(adjusted.reason, 'goodwill');
    await trackTimes(commet, customer, feature, 5);
    await expectApiError(commet.usage.track({ customerId: customer.id, feature: feature.code }), { code: 'insufficient_credits' });
  });

  test('credit packs only for credits plans; unknown pack → 404', async () => {
    const commet = sandbox();
    const pack = assertSuccess(await commet.creditPacks.create({ name: unique('pack'), credits: 100, price: 500 }));
    const metered = await subscribe(commet, await payingCustomer(commet), await planWith(commet));
    await expectRefused(commet.subscriptions.purchaseCredits({ id: metered.id, creditPackId: pack.id }));
    const feature = await newFeature(commet, 'usage');
    const credits = await subscribe(commet, await payingCustomer(commet), await planWith(commet, {
      model: 'credits', priceOptions: { includedCredits: 10 }, features: [{ feature, creditsPerUnit: 1 }],
    }));
    await expectApiError(commet.subscriptions.purchaseCredits({ id: credits.id, creditPackId: 'cpk_doesnotexist' }), { status: 404 });
    await expectApiError(commet.subscriptions.purchaseCredits({ id: 'sub_doesnotexist', creditPackId: pack.id }), { status: 404, code: 'subscription_not_found' });
  });
});

describe('balance', () => {
  test('blockOnExhaustion false: usage goes below zero; a top-up and an adjustment move the balance', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage');
    const plan = await planWith(commet, {
      model: 'balance', blockOnExhaustion: false, price: 1000, priceOptions: { includedBalance: 10000 },
      features: [{ feature, enabled: true, overage: { enabled: true, unitPrice: 2500 } }],
    });
    assert.equal(plan.blockOnExhaustion, false);
    const customer = await payingCustomer(commet);
    const sub = await subscribe(commet, customer, plan);
    const before = await getSub(commet, sub.id);
    assert.deepEqual({ ...before.balance, currency: before.balance?.currency?.toUpperCase() }, { remaining: 10000, included: 10000, currency: 'USD' });

    const c = await check(commet, customer, feature, 4);
    assert.equal(c.allowed, true);
    assert.equal(c.consumptionModel, 'balance');
    assert.equal(c.unitPrice, 2500);
    assert.equal(c.estimatedAmount, 10000, '4 × 2500');
    assert.equal(c.currentBalance, 10000);
    assert.equal(c.blockOnExhaustion, false);
    assert.equal(c.currency.toUpperCase(), 'USD');

    await track(commet, customer, feature, { value: 6 });
    assert.equal((await getSub(commet, sub.id)).balance.remaining, -5000, '10000 − 6 × 2500: below zero, not refused');
    const still = await check(commet, customer, feature, 1);
    assert.equal(still.allowed, true, 'a plan that does not block keeps allowing usage');
    assert.equal(still.currentBalance, -5000);

    const topup = assertSuccess(await commet.subscriptions.topupBalance({ id: sub.id, amount: 1000 }));
    assertBalanceTopup(topup);
    assert.equal(topup.amount, 1000);
    assert.equal((await getSub(commet, sub.id)).balance.remaining, 95000, '$10.00 top-up = 100000 in rate scale');

    const adjusted = assertSuccess(await commet.subscriptions.adjustBalance({ id: sub.id, amount: -500, reason: 'correction' }));
    assertBalanceAdjustment(adjusted);
    assert.equal(adjusted.amount, -500);
    assert.equal(adjusted.reason, 'correction');
    assert.equal((await getSub(commet, sub.id)).balance.remaining, 45000);

    await expectValidationError(commet.subscriptions.topupBalance({ id: sub.id, amount: -100 }), 'amount');
  });

  test('blockOnExhaustion true: usage beyond the balance → insufficient_balance', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage');
    const plan = await planWith(commet, {
      model: 'balance', blockOnExhaustion: true, price: 1000, priceOptions: { includedBalance: 10000 },
      features: [{ feature, enabled: true, overage: { enabled: true, unitPrice: 2500 } }],
    });
    const customer = await payingCustomer(commet);
    const sub = await subscribe(commet, customer, plan);
    await track(commet, customer, feature, { value: 4 });
    assert.equal((await getSub(commet, sub.id)).balance.remaining, 0);
    const c = await check(commet, customer, feature, 1);
    assert.equal(c.allowed, false);
    assert.equal(c.reason, 'insufficient_balance');
    assert.equal(c.blockOnExhaustion, true);
    await expectApiError(commet.usage.track({ customerId: customer.id, feature: feature.code }), { code: 'insufficient_balance' });
  });

  test('top-ups only for balance plans', async () => {
    const commet = sandbox();
    const sub = await subscribe(commet, await payingCustomer(commet), await planWith(commet));
    await expectRefused(commet.subscriptions.topupBalance({ id: sub.id, amount: 1000 }));
  });
});

describe('seats', () => {
  test('add, remove, set, setAll, getBalance, getAllBalances; insufficient_seats; seat_limit_exceeded', async () => {
    const commet = sandbox();
    const editors = await newFeature(commet, 'seats');
    const viewers = await newFeature(commet, 'seats');
    const plan = await planWith(commet, {
      features: [
        { feature: editors, enabled: true, includedAmount: 3, overage: { enabled: true, unitPrice: 100000 } },
        { feature: viewers, enabled: true, includedAmount: 10 },
      ],
    });
    const customer = await payingCustomer(commet);
    await subscribe(commet, customer, plan);

    const added = assertSuccess(await commet.seats.add({ customerId: customer.id, featureCode: editors.code, count: 2 }));
    assertSeatEvent(added);
    assert.equal(added.customerId, customer.id);
    assert.equal(added.featureCode, editors.code);
    assert.equal(added.previousBalance, 0);
    assert.equal(added.newBalance, 2);

    const balance = assertSuccess(await commet.seats.getBalance({ customerId: customer.id, featureCode: editors.code }));
    assertSeatBalance(balance);
    assert.equal(balance.current, 2);

    const removed = assertSuccess(await commet.seats.remove({ customerId: customer.id, featureCode: editors.code, count: 1 }));
    assertSeatEvent(removed);
    assert.equal(removed.previousBalance, 2);
    assert.equal(removed.newBalance, 1);
    await expectApiError(commet.seats.remove({ customerId: customer.id, featureCode: editors.code, count: 5 }), { code: 'insufficient_seats' });

    const set = assertSuccess(await commet.seats.set({ customerId: customer.id, featureCode: editors.code, count: 5 }));
    assertSeatEvent(set);
    assert.equal(set.previousBalance, 1);
    assert.equal(set.newBalance, 5, 'beyond the 3 included: overage seats are allowed');

    const bulk = assertSuccess(await commet.seats.setAll({ customerId: customer.id, seats: { [editors.code]: 4, [viewers.code]: 7 } }));
    assert.ok(Array.isArray(bulk), 'setAll answers an array');
    assert.equal(bulk.length, 2);
    for (const b of bulk) assertBulkSeatUpdate(b);
    const byCode = Object.fromEntries(bulk.map((b) => [b.featureCode, b]));
    assert.equal(byCode[editors.code].previousBalance, 5);
    assert.equal(byCode[editors.code].newBalance, 4);
    assert.equal(byCode[viewers.code].previousBalance, 0);
    assert.equal(byCode[viewers.code].newBalance, 7);

    // getAllBalances: the SDK types the data as one object (`SeatBalanceListItem`: object "seat", livemode) that
    // holds each seat type by its code: {<code>: {current, asOf}}.
    const all = assertSuccess(await commet.seats.getAllBalances({ customerId: customer.id }));
    assert.ok(all && typeof all === 'object' && !Array.isArray(all), `getAllBalances answers one object, got ${JSON.stringify(all)}`);
    assert.equal(all.object, 'seat');
    assert.equal(all.livemode, false);
    assert.equal(all[editors.code]?.current, 4);
    assert.equal(all[viewers.code]?.current, 7);
    // The other keys are the customer's seat codes (data, not fields: see docs/decisions.md, "SDK and compat coverage");
    // each entry is checked as a `SeatBalance` without object/livemode, so its undeclared fields are listed under that type.
    for (const [key, entry] of Object.entries(all)) {
      if (key === 'object' || key === 'livemode') continue;
      assertShape(entry, { current: 'integer', asOf: 'date' }, `seatBalances.${key}`, 'SeatBalance');
    }

    await expectApiError(commet.seats.set({ customerId: customer.id, featureCode: viewers.code, count: 11 }), { code: 'seat_limit_exceeded' });
    await expectValidationError(commet.seats.add({ customerId: customer.id, featureCode: editors.code, count: 0 }), 'count');
    await expectApiError(commet.seats.add({ customerId: 'cus_doesnotexist', featureCode: editors.code, count: 1 }), { status: 404, code: 'customer_not_found' });

    const access = assertSuccess(await commet.featureAccess.get({ customerId: customer.id, code: editors.code }));
    assertFeatureLookup(access);
    assert.equal(access.type, 'seats');
    assert.equal(access.current, 4);
    assert.equal(access.included, 3);
  });
});

describe('feature access', () => {
  test('list, get and canUse over boolean and metered features', async () => {
    const commet = sandbox();
    const sso = await newFeature(commet, 'boolean');
    const audit = await newFeature(commet, 'boolean');
    const requests = await newFeature(commet, 'usage');
    const elsewhere = await newFeature(commet, 'boolean');
    const plan = await planWith(commet, {
      features: [
        { feature: sso, enabled: true },
        { feature: audit, enabled: false },
        { feature: requests, enabled: true, includedAmount: 100 },
      ],
    });
    const customer = await payingCustomer(commet);
    await subscribe(commet, customer, plan);

    const list = assertList(await commet.featureAccess.list({ customerId: customer.id }));
    for (const f of list) assertFeatureAccess(f);
    const byCode = Object.fromEntries(list.map((f) => [f.code, f]));
    assert.deepEqual(Object.keys(byCode).sort(), [sso.code, audit.code, requests.code].sort());
    assert.equal(byCode[sso.code].allowed, true);
    assert.equal(byCode[sso.code].type, 'boolean');
    assert.equal(byCode[sso.code].name, sso.name);
    assert.equal(byCode[audit.code].allowed, false, 'a disabled feature is not allowed');
    assert.equal(byCode[requests.code].allowed, true);
    assert.equal(byCode[requests.code].included, 100);
    assert.equal(byCode[requests.code].current, 0);

    const lookup = assertSuccess(await commet.featureAccess.get({ customerId: customer.id, code: requests.code }));
    assertFeatureLookup(lookup);
    assert.equal(lookup.allowed, true);
    assert.equal(lookup.code, requests.code);
    assert.equal(lookup.remaining, 100);

    await track(commet, customer, requests, { value: 100 });
    const full = assertSuccess(await commet.featureAccess.get({ customerId: customer.id, code: requests.code }));
    assertFeatureLookup(full);
    assert.equal(full.current, 100);
    assert.equal(full.remaining, 0);
    assert.equal(full.allowed, false, 'no overage: the included amount is the limit');
    const can = assertSuccess(await commet.featureAccess.canUse({ customerId: customer.id, code: requests.code }));
    assertFeatureLookup(can);
    assert.equal(can.allowed, false);
    await expectApiError(commet.usage.track({ customerId: customer.id, feature: requests.code }), { code: 'included_limit_reached' });
    const denied = await check(commet, customer, requests, 1);
    assert.equal(denied.allowed, false);
    assert.equal(denied.reason, 'included_limit_reached');

    const canSso = assertSuccess(await commet.featureAccess.canUse({ customerId: customer.id, code: sso.code }));
    assertFeatureLookup(canSso);
    assert.equal(canSso.allowed, true);
    const notInPlan = assertSuccess(await commet.featureAccess.get({ customerId: customer.id, code: elsewhere.code }));
    assertFeatureLookup(notInPlan);
    assert.equal(notInPlan.allowed, false, 'a feature outside the plan is not allowed');

    const noSubscription = await newCustomer(commet);
    const none = assertSuccess(await commet.featureAccess.get({ customerId: noSubscription.id, code: sso.code }));
    assertFeatureLookup(none);
    assert.equal(none.allowed, false, 'no subscription, no access');
    await expectApiError(commet.featureAccess.get({ customerId: 'cus_doesnotexist', code: sso.code }), { status: 404, code: 'customer_not_found' });
  });
});

describe('usage.track / usage.set', () => {
  test('a duplicate idempotencyKey counts once; properties round-trip', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage');
    const customer = await payingCustomer(commet);
    await subscribe(commet, customer, await planWith(commet, { features: [{ feature, enabled: true, includedAmount: 1000 }] }));
    const key = unique('evt_key');
    const first = await track(commet, customer, feature, { value: 3, idempotencyKey: key, properties: { region: 'eu', model: 'small' } });
    assert.equal(first.idempotencyKey, key);
    assert.ok(Array.isArray(first.properties), 'properties are answered');
    assert.deepEqual(Object.fromEntries(first.properties.map((p) => [p.property, p.value])), { region: 'eu', model: 'small' });

    let second;
    try {
      second = assertSuccess(await commet.usage.track({ customerId: customer.id, feature: feature.code, value: 3, idempotencyKey: key }));
    } catch (err) {
      // The SDK says a duplicate key is rejected: a conflict is acceptable too, as long as it counts once.
      assert.ok(err instanceof CommetAPIError && err.statusCode === 409, `a duplicate is answered or refused with 409, got ${err}`);
    }
    if (second) assert.equal(second.id, first.id, 'the repeat answers the original event');
    assert.equal((await check(commet, customer, feature)).current, 3, 'the repeat did not count');
    await track(commet, customer, feature, { value: 2, idempotencyKey: unique('other') });
    assert.equal((await check(commet, customer, feature)).current, 5);
  });

  test('usage.set: the period total becomes the value, recorded as an adjustment', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage');
    const customer = await payingCustomer(commet);
    await subscribe(commet, customer, await planWith(commet, { features: [{ feature, enabled: true, includedAmount: 1000 }] }));
    await track(commet, customer, feature, { value: 120 });
    const adj = assertSuccess(await commet.usage.set({ customerId: customer.id, feature: feature.code, value: 500, reason: 'import' }));
    assertUsageAdjustment(adj);
    assert.equal(adj.feature, feature.code);
    assert.equal(adj.customerId, customer.id);
    assert.equal(adj.value, 500);
    assert.equal(adj.previousValue, 120);
    assert.equal(adj.adjustment, 380);
    assert.equal(adj.reason, 'import');
    assert.equal(adj.idempotencyKey, null);
    assert.equal((await check(commet, customer, feature)).current, 500);
    const down = assertSuccess(await commet.usage.set({ customerId: customer.id, feature: feature.code, value: 50 }));
    assert.equal(down.adjustment, -450);
    assert.equal((await check(commet, customer, feature)).current, 50);
  });

  test('validation and refusals', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage');
    const other = await newFeature(commet, 'usage');
    const customer = await payingCustomer(commet);
    await subscribe(commet, customer, await planWith(commet, { features: [{ feature, enabled: true, includedAmount: 10 }] }));
    await expectValidationError(commet.usage.track({ customerId: customer.id }), 'feature');
    await expectValidationError(commet.usage.track({ customerId: customer.id, feature: feature.code, value: -1 }), 'value');
    const future = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const clock = await clockNow(commet);
    if (Math.abs(clock.getTime() - Date.now()) < 60 * 1000) {
      await expectValidationError(commet.usage.track({ customerId: customer.id, feature: feature.code, timestamp: future }), 'timestamp');
    }
    await expectApiError(commet.usage.track({ customerId: 'cus_doesnotexist', feature: feature.code }), { status: 404, code: 'customer_not_found' });
    await expectApiError(commet.usage.track({ customerId: customer.id, feature: other.code }), { code: 'feature_not_in_plan' });
    const idle = await newCustomer(commet);
    const e = await expectApiError(commet.usage.track({ customerId: idle.id, feature: feature.code }));
    assert.ok(e.statusCode >= 400 && e.statusCode < 500, 'no subscription: a 4xx');
    await expectValidationError(commet.usage.check({ customerId: customer.id }), 'featureCode');
    await expectApiError(live().usage.track({ customerId: customer.id, feature: feature.code }), { status: 404, code: 'customer_not_found' });
  });
});

describe('metered overage at renewal (test clock)', () => {
  test('10,000 included, 15,000 used at 20 (rate scale) → the renewal invoice has a feature_overage line of 1000 cents', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'usage', { unitName: 'request' });
    const plan = await planWith(commet, {
      price: 2900, features: [{ feature, enabled: true, includedAmount: 10000, overage: { enabled: true, unitPrice: 20 } }],
    });
    const customer = await payingCustomer(commet);
    const sub = await subscribe(commet, customer, plan);
    for (const value of [5000, 5000, 5000]) await track(commet, customer, feature, { value });

    const c = await check(commet, customer, feature);
    assert.equal(c.allowed, true, 'overage is allowed');
    assert.equal(c.consumptionModel, 'metered');
    assert.equal(c.current, 15000);
    assert.equal(c.included, 10000);
    assert.equal(c.remaining, 0);
    assert.equal(c.overageEnabled, true);
    assert.equal(c.overageUnitPrice, 20);
    const usage = (await getSub(commet, sub.id)).features?.find((f) => f.code === feature.code)?.usage;
    assert.deepEqual(usage, { current: 15000, included: 10000, overageQuantity: 5000, overageUnitPrice: 20 });
    const access = assertSuccess(await commet.featureAccess.get({ customerId: customer.id, code: feature.code }));
    assertFeatureLookup(access);
    assert.equal(access.overageQuantity, 5000);
    const can = assertSuccess(await commet.featureAccess.canUse({ customerId: customer.id, code: feature.code }));
    assert.equal(can.allowed, true);
    assert.equal(can.willBeCharged, true, 'one more unit would be billed as overage');

    // The period ends: the renewal bills the next period in advance and the overage in arrears.
    const end = new Date(sub.currentPeriod.end);
    const now = await clockNow(commet);
    assert.ok(now < end, 'this file has not moved the clock past the period yet');
    // One second past the end: the API prints instants to the millisecond, the server keeps them finer.
    await freezeAt(commet, new Date(end.getTime() + 1000));
    await processBilling(commet);
    const invoices = await listAll((p) => commet.invoices.list(p), { subscriptionId: sub.id });
    const renewal = invoices.find((i) => Date.parse(i.periodStart) === end.getTime());
    assert.ok(renewal, `a renewal invoice for the period from ${end.toISOString()}: ${JSON.stringify(invoices.map((i) => [i.invoiceType, i.periodStart]))}`);
    const full = assertSuccess(await commet.invoices.get({ id: renewal.id }));
    assertInvoice(full);
    assert.equal(full.invoiceType, 'recurring');
    const overage = full.lineItems.filter((l) => l.lineType === 'feature_overage');
    assert.equal(overage.length, 1, `one feature_overage line: ${JSON.stringify(full.lineItems)}`);
    assert.equal(overage[0].amount, 1000, '5,000 × $0.002');
    if (overage[0].overageAmount !== null) assert.equal(overage[0].overageAmount, 5000);
    if (overage[0].usedAmount !== null) assert.equal(overage[0].usedAmount, 15000);
    if (overage[0].includedAmount !== null) assert.equal(overage[0].includedAmount, 10000);
    const base = full.lineItems.filter((l) => l.lineType === 'plan_base');
    assert.equal(base.length, 1);
    assert.equal(base[0].amount, 2900);
    assert.equal(full.total, 3900);
    assert.equal(full.status, 'paid');

    assert.equal((await check(commet, customer, feature)).current, 0, 'usage starts again in the new period');
  });
});
