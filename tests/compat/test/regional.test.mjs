// Regional prices through @commet/node 7.10.0 (docs/regional-prices.md): plans.setRegionalPrices / deleteRegionalPrices
// (one price, by hand), plans.setRegionalPricing (one currency for the whole plan from an exchange rate), and
// subscriptions billed in the currency their billing country fixes at checkout. Amounts worked out by hand:
//   - Pro is US$19.00 a month with 1,000 calls included, then US$0.01 a call (100 on the 10,000 scale).
//   - BRL at 5.25: 19.00 × 5.25 = R$99.75 (9975); a call 100 × 5.25 = 525 on the scale (R$0.0525).
//   - JPY at 150: 19.00 × 150 = ¥2,850 (2850: JPY has no minor unit); a call 100 × 150 = 15,000 on the scale (¥1.5).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAll, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertObject, assertShape, assertSuccess, expectApiError, expectValidationError } from '../helpers/assertions.mjs';
import { assertInvoice, assertPlan } from '../helpers/shapes.mjs';
import { attachCard, code, freezeAt, freezeAtNextThirtyDayMonth, newFeature, newGroup, newPlan, processBilling } from '../helpers/billing.mjs';

useServer();

/** `PlanRegionalPricing`. */
function assertRegionalPricing(r, label = 'planRegionalPricing') {
  assertShape(r, { priceId: 'string', overrides: 'array' }, label, 'PlanRegionalPricing');
  r.overrides.forEach((o, i) => assertShape(o, { currency: 'string', price: 'integer', 'includedBalance?': 'integer' },
    `${label}.overrides[${i}]`, 'PlanRegionalPricing.overrides[]'));
  assertObject(r, 'plan', false, label);
}

/** `PlanRegionalPricingResult`. */
function assertRegionalResult(r, label = 'planRegionalPricingResult') {
  assertShape(r, {
    planId: 'string', currency: 'string', exchangeRate: 'number', pricesConfigured: 'integer', featuresConfigured: 'integer',
  }, label, 'PlanRegionalPricingResult');
  assertObject(r, 'plan', false, label);
}

/** Pro: US$19.00 monthly, 1,000 calls included then 100 on the scale a call. Answers { plan, priceId, feature }. */
async function pro(commet, feature) {
  const c = code('pro');
  feature ??= await newFeature(commet, 'usage', { unitName: 'call' });
  const plan = assertSuccess(await commet.plans.create({ name: `Pro ${c}`, code: c, consumptionModel: 'metered' }));
  const price = assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price: 1900 }));
  assertSuccess(await commet.plans.addFeature({
    id: plan.id, featureId: feature.id, enabled: true, includedAmount: 1000, overage: { enabled: true, unitPrice: 100 },
  }));
  return { plan, priceId: price.id, feature };
}

/** A customer billed in `country`, with a card. */
async function customerIn(commet, country) {
  const customer = assertSuccess(await commet.customers.create({
    email: `${code('buyer')}@example.com`, fullName: 'Ana Souza',
    address: { line1: 'Rua Augusta 100', city: 'São Paulo', postalCode: '01305-000', country },
  }));
  await attachCard(customer.id);
  return customer;
}

async function invoicesOf(commet, subscriptionId) {
  const list = await listAll((p) => commet.invoices.list(p), { subscriptionId });
  return list.sort((a, b) => Date.parse(a.issueDate) - Date.parse(b.issueDate));
}

describe('plans.setRegionalPrices / deleteRegionalPrices', () => {
  test('a price set by hand in BRL and JPY shows on the plan; deleting removes every currency', async () => {
    const commet = sandbox();
    const { plan, priceId } = await pro(commet);
    const set = assertSuccess(await commet.plans.setRegionalPrices({
      id: plan.id, priceId, overrides: [{ currency: 'BRL', price: 9990 }, { currency: 'jpy', price: 2800 }],
    }));
    assertRegionalPricing(set);
    assert.equal(set.priceId, priceId);
    assert.deepEqual(set.overrides, [{ currency: 'BRL', price: 9990 }, { currency: 'JPY', price: 2800 }]);

    // Upsert: BRL changes, JPY stays.
    const again = assertSuccess(await commet.plans.setRegionalPrices({ id: plan.id, priceId, overrides: [{ currency: 'BRL', price: 9900 }] }));
    assert.deepEqual(again.overrides, [{ currency: 'BRL', price: 9900 }, { currency: 'JPY', price: 2800 }]);
    const got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assertPlan(got);
    assert.deepEqual(got.prices[0].regionalPrices, [
      { currency: 'BRL', price: 9900, includedBalance: null, autoSynced: false },
      { currency: 'JPY', price: 2800, includedBalance: null, autoSynced: false },
    ]);

    const deleted = assertSuccess(await commet.plans.deleteRegionalPrices({ id: plan.id, priceId }));
    assertShape(deleted, { deleted: 'boolean' }, 'deleted', 'DeletedPlanRegionalPricing');
    assert.equal(deleted.deleted, true);
    assertObject(deleted, 'plan', false, 'deleted');
    assert.deepEqual(assertSuccess(await commet.plans.get({ id: plan.id })).prices[0].regionalPrices, []);
  });

  test('refused: USD, an unknown currency, a negative price, an unknown price', async () => {
    const commet = sandbox();
    const { plan, priceId } = await pro(commet);
    await expectValidationError(commet.plans.setRegionalPrices({ id: plan.id, priceId, overrides: [{ currency: 'USD', price: 100 }] }), 'overrides[0].currency');
    await expectValidationError(commet.plans.setRegionalPrices({ id: plan.id, priceId, overrides: [{ currency: 'XYZ', price: 100 }] }), 'overrides[0].currency');
    await expectValidationError(commet.plans.setRegionalPrices({ id: plan.id, priceId, overrides: [{ currency: 'BRL', price: -1 }] }), 'overrides[0].price');
    await expectApiError(commet.plans.setRegionalPrices({ id: plan.id, priceId: 'price_nothing', overrides: [{ currency: 'BRL', price: 100 }] }),
      { status: 404, code: 'price_not_found' });
    await expectApiError(commet.plans.deleteRegionalPrices({ id: 'plan_nothing', priceId }), { status: 404, code: 'plan_not_found' });
  });
});

describe('plans.setRegionalPricing', () => {
  test('BRL at 5.25 derives the price (R$99.75) and the call (525), listed on the plan with the rate', async () => {
    const commet = sandbox();
    const { plan } = await pro(commet);
    const result = assertSuccess(await commet.plans.setRegionalPricing({ id: plan.id, currency: 'brl', exchangeRate: 5.25 }));
    assertRegionalResult(result);
    assert.deepEqual({ ...result }, {
      planId: plan.id, currency: 'BRL', exchangeRate: 5.25, pricesConfigured: 1, featuresConfigured: 1, object: 'plan', livemode: false,
    });
    const got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assertPlan(got);
    assert.deepEqual(got.exchangeRates, [{ currency: 'BRL', exchangeRate: 5.25 }]);
    assert.deepEqual(got.prices[0].regionalPrices, [{ currency: 'BRL', price: 9975, includedBalance: null, autoSynced: true }]);
    assert.deepEqual(got.features[0].regionalPrices, [{ currency: 'BRL', overageUnitPrice: 525, autoSynced: true }]);

    // Derived amounts follow the USD price: US$20.00 × 5.25 = R$105.00.
    assertSuccess(await commet.plans.updatePrice({ id: plan.id, priceId: got.prices[0].id, price: 2000 }));
    const after = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.equal(after.prices[0].regionalPrices[0].price, 10500);
  });

  test('refused: USD, a zero rate, a feature or price not on the plan, an unknown plan', async () => {
    const commet = sandbox();
    const { plan } = await pro(commet);
    await expectValidationError(commet.plans.setRegionalPricing({ id: plan.id, currency: 'usd', exchangeRate: 1 }), 'currency');
    await expectValidationError(commet.plans.setRegionalPricing({ id: plan.id, currency: 'brl', exchangeRate: 0 }), 'exchangeRate');
    await expectValidationError(commet.plans.setRegionalPricing({
      id: plan.id, currency: 'brl', exchangeRate: 5, features: [{ featureId: 'feat_nothing', overageUnitPrice: 1 }],
    }), 'features[0].featureId');
    await expectValidationError(commet.plans.setRegionalPricing({
      id: plan.id, currency: 'brl', exchangeRate: 5, prices: [{ priceId: 'price_nothing', price: 1 }],
    }), 'prices[0].priceId');
    await expectApiError(commet.plans.setRegionalPricing({ id: 'plan_nothing', currency: 'brl', exchangeRate: 5 }),
      { status: 404, code: 'plan_not_found' });
  });
});

describe('subscriptions in the billing country\'s currency', () => {
  test('BR customer: BRL from checkout to renewal, overage in BRL (R$99.75, then R$126.00)', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const { plan, feature } = await pro(commet);
    assertSuccess(await commet.plans.setRegionalPricing({ id: plan.id, currency: 'brl', exchangeRate: 5.25 }));
    const customer = await customerIn(commet, 'BR');
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
    assert.equal(sub.status, 'active');
    assert.equal(sub.plan.basePrice, 9975);
    // 1,500 calls: 500 beyond the 1,000 included × 525 / 10,000 = R$26.25 (2625 centavos).
    assertSuccess(await commet.usage.track({ customerId: customer.id, feature: feature.code, value: 1500 }));

    const end = new Date(sub.currentPeriod.end);
    assert.equal(end.getTime() - start.getTime(), 30 * 86400_000);
    await freezeAt(commet, new Date(end.getTime() + 1000));
    await processBilling(commet);
    const invoices = await invoicesOf(commet, sub.id);
    invoices.forEach((i, n) => assertInvoice(i, false, `invoices[${n}]`));
    assert.deepEqual(invoices.map((i) => [i.currency, i.total, i.status]), [['BRL', 9975, 'paid'], ['BRL', 12600, 'paid']]);
    const renewal = assertSuccess(await commet.invoices.get({ id: invoices[1].id }));
    assert.deepEqual(renewal.lineItems.map((l) => [l.lineType, l.amount]), [['plan_base', 9975], ['feature_overage', 2625]]);
  });

  test('JP customer: JPY, a zero-decimal currency (¥2,850)', async () => {
    const commet = sandbox();
    const { plan } = await pro(commet);
    assertSuccess(await commet.plans.setRegionalPricing({ id: plan.id, currency: 'jpy', exchangeRate: 150 }));
    const customer = await customerIn(commet, 'JP');
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
    assert.equal(sub.plan.basePrice, 2850);
    const [first] = await invoicesOf(commet, sub.id);
    assert.deepEqual([first.currency, first.total], ['JPY', 2850]);
  });

  test('a free plan sold in BRL (an exchange rate, no price): the BR customer starts free in BRL and upgrades at R$99.75', async () => {
    const commet = sandbox();
    const free = await newPlan(commet, { free: true });
    const { plan } = await pro(commet);
    await newGroup(commet, [free, plan]);
    assertSuccess(await commet.plans.setRegionalPricing({ id: plan.id, currency: 'brl', exchangeRate: 5.25 }));
    const rate = assertSuccess(await commet.plans.setRegionalPricing({ id: free.id, currency: 'brl', exchangeRate: 5.25 }));
    assertRegionalResult(rate);
    assert.deepEqual([rate.currency, rate.pricesConfigured], ['BRL', 0]);
    const customer = await customerIn(commet, 'BR');
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: free.id }));
    assert.equal(sub.status, 'active');

    // From a free plan the whole first month is charged now: 19.00 × 5.25 = R$99.75.
    const preview = assertSuccess(await commet.subscriptions.previewChange({ id: sub.id, planId: plan.id }));
    assert.deepEqual([preview.currency.toUpperCase(), preview.estimatedTotal], ['BRL', 9975]);
    assertSuccess(await commet.subscriptions.changePlan({ id: sub.id, newPlanId: plan.id }));
    const charged = (await invoicesOf(commet, sub.id)).filter((i) => i.total > 0);
    assert.deepEqual(charged.map((i) => [i.currency, i.total, i.status]), [['BRL', 9975, 'paid']]);
  });

  test('missing_regional_price: a plan of the group not sold in the subscription\'s currency', async () => {
    const commet = sandbox();
    const { plan: starter, feature } = await pro(commet);
    const { plan: max } = await pro(commet, feature);
    await newGroup(commet, [starter, max]);
    assertSuccess(await commet.plans.setRegionalPricing({ id: starter.id, currency: 'brl', exchangeRate: 5.25 }));
    const customer = await customerIn(commet, 'BR');
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: starter.id }));
    await expectApiError(commet.subscriptions.previewChange({ id: sub.id, planId: max.id }), { status: 400, code: 'missing_regional_price' });
    await expectApiError(commet.subscriptions.changePlan({ id: sub.id, newPlanId: max.id }), { status: 400, code: 'missing_regional_price' });
    assert.equal(assertSuccess(await commet.subscriptions.get({ id: sub.id })).plan.id, starter.id);
  });
});
