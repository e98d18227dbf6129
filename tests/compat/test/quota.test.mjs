// quota.* of @commet/node 7.10.0 (add, set, remove, get, getAll) against the server (docs/quota.md), with hand-worked
// numbers: a plan with a quota feature of 10 included units at 20000 (rate scale: $2.00 a unit per period) beyond them.
//  - set 7, add (count defaults to 1) → 8; on day 16 of a 30-day period add 4 → 12: 2 units beyond what the period
//    paid for (the 10 included) → 2 × $2.00 × 15/30 days = 200 cents, billed as a true_up line at renewal;
//  - remove 3 → 9 (no refund), add 2 → 11 (up to the 12 already billed: nothing more);
//  - renewal: plan_base 2900 + feature_quota true_up 200 + feature_quota advance (11 − 10) × $2.00 = 200 → 3300;
//  - remove below zero → 400 insufficient_balance; without overage, adding past the included → 422 quota_exceeded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAll, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertObject, assertShape, assertSuccess, expectApiError, expectValidationError } from '../helpers/assertions.mjs';
import { assertFeatureLookup, assertInvoice } from '../helpers/shapes.mjs';
import { advanceDays, code, freezeAt, freezeAtNextThirtyDayMonth, newFeature, payingCustomer, processBilling } from '../helpers/billing.mjs';

useServer();

/** `UsageQuotaEvent`. */
function assertQuotaEvent(e, label = 'usageQuotaEvent') {
  assertShape(e, {
    id: 'string', customerId: 'string', featureCode: 'string', previousBalance: 'integer', newBalance: 'integer', ts: 'date', createdAt: 'date',
  }, label, 'UsageQuotaEvent');
  assertObject(e, 'usage_quota', false, label);
}

/** `UsageQuota`. */
function assertQuota(q, label = 'usageQuota') {
  assertShape(q, {
    featureCode: 'string', current: 'integer', included: 'integer', remaining: 'integer|null', billedQuantity: 'integer', unlimited: 'boolean',
    overageEnabled: 'boolean', asOf: 'string|null',
  }, label, 'UsageQuota');
  assertObject(q, 'usage_quota', false, label);
}

async function quotaPlan(commet, feature, featureOptions) {
  const c = code('plan');
  const plan = assertSuccess(await commet.plans.create({ name: `Plan ${c}`, code: c }));
  assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 2900 }));
  assertSuccess(await commet.plans.addFeature({ id: plan.id, featureId: feature.id, enabled: true, ...featureOptions }));
  return plan;
}

describe('quota', () => {
  test('set, add, remove, get, getAll; true-up and advance on the renewal invoice', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const feature = await newFeature(commet, 'quota');
    assert.equal(feature.type, 'quota');
    const plan = await quotaPlan(commet, feature, { includedAmount: 10, overage: { enabled: true, unitPrice: 20000 } });
    const customer = await payingCustomer(commet);
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
    assert.equal(sub.status, 'active');
    const params = { customerId: customer.id, featureCode: feature.code };

    const set = assertSuccess(await commet.quota.set({ ...params, count: 7 }));
    assertQuotaEvent(set);
    assert.deepEqual([set.featureCode, set.previousBalance, set.newBalance], [feature.code, 0, 7]);
    const one = assertSuccess(await commet.quota.add(params));
    assertQuotaEvent(one);
    assert.equal(one.newBalance, 8, 'count defaults to 1');

    await advanceDays(commet, 15);
    assert.equal(assertSuccess(await commet.quota.add({ ...params, count: 4 })).newBalance, 12);
    const removed = assertSuccess(await commet.quota.remove({ ...params, count: 3 }));
    assertQuotaEvent(removed);
    assert.deepEqual([removed.previousBalance, removed.newBalance], [12, 9]);
    assert.equal(assertSuccess(await commet.quota.add({ ...params, count: 2 })).newBalance, 11);

    const quota = assertSuccess(await commet.quota.get(params));
    assertQuota(quota);
    assert.deepEqual(
      [quota.featureCode, quota.current, quota.included, quota.remaining, quota.billedQuantity, quota.unlimited, quota.overageEnabled],
      [feature.code, 11, 10, 0, 2, false, true],
      '12 − 10 = 2 units beyond the included ones are billed for this period');
    const all = assertSuccess(await commet.quota.getAll({ customerId: customer.id }));
    assert.ok(Array.isArray(all));
    assert.equal(all.length, 1);
    assertQuota(all[0], 'getAll[0]');

    const access = assertSuccess(await commet.featureAccess.get({ customerId: customer.id, code: feature.code }));
    assertFeatureLookup(access);
    assert.deepEqual([access.type, access.allowed, access.current, access.included, access.billedQuantity], ['quota', true, 11, 10, 2]);

    await expectApiError(commet.quota.remove({ ...params, count: 50 }), { status: 400, code: 'insufficient_balance' });
    await expectValidationError(commet.quota.set({ ...params, count: -1 }), 'count');

    // The renewal: one second past the end (a 30-day month from the 1st).
    const end = new Date(sub.currentPeriod.end);
    assert.equal(end.getTime() - start.getTime(), 30 * 24 * 3600 * 1000);
    await freezeAt(commet, new Date(end.getTime() + 1000));
    await processBilling(commet);
    const invoices = await listAll((p) => commet.invoices.list(p), { subscriptionId: sub.id });
    const renewal = invoices.find((i) => Date.parse(i.periodStart) === end.getTime());
    assert.ok(renewal, `a renewal invoice: ${JSON.stringify(invoices.map((i) => [i.invoiceType, i.periodStart]))}`);
    const full = assertSuccess(await commet.invoices.get({ id: renewal.id }));
    assertInvoice(full);
    const lines = full.lineItems.filter((l) => l.lineType === 'feature_quota').map((l) => [l.chargeType, l.quantity, l.amount]).sort();
    // advance: (11 − 10) × $2.00 = 200; true_up: 2 × $2.00 × 15/30 = 200.
    assert.deepEqual(lines, [['advance', 1, 200], ['true_up', 2, 200]]);
    assert.equal(full.total, 2900 + 200 + 200);
    assert.equal(full.status, 'paid');
  });

  test('without overage the quota stops at the included amount', async () => {
    const commet = sandbox();
    const feature = await newFeature(commet, 'quota');
    const plan = await quotaPlan(commet, feature, { includedAmount: 3 });
    const customer = await payingCustomer(commet);
    assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
    const params = { customerId: customer.id, featureCode: feature.code };
    assertSuccess(await commet.quota.set({ ...params, count: 3 }));
    await expectApiError(commet.quota.add(params), { status: 422, code: 'quota_exceeded' });
    const quota = assertSuccess(await commet.quota.get(params));
    assert.deepEqual([quota.current, quota.remaining, quota.billedQuantity, quota.overageEnabled], [3, 0, 0, false]);
    await expectApiError(commet.quota.getAll({ customerId: 'cus_doesnotexist' }), { status: 404, code: 'customer_not_found' });
  });
});
