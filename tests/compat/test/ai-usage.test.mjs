// AI-token usage through @commet/node 7.10.0: plans.addFeature with pricingMode 'ai_model' and a margin, usage.track with
// model + token counts (TrackModelTokensParams), priced by the server's built-in model prices or the organization's own
// (PUT /api/v1/ai-model-rates, our addition: no SDK method, called raw), taken from a balance or from credits, and
// listed per model on the renewal invoice. Amounts worked out by hand (built-in USD prices per million tokens, input /
// output / cache read / cache write: anthropic/claude-sonnet-4 3.00 / 15.00 / 0.30 / 3.75; openai/gpt-4o-mini
// 0.15 / 0.60 / 0.075 / 0.15). Balances are in rate scale (10000 = $1.00); one rounding (up) per call, at the end.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, listAll, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertSuccess, expectApiError, expectValidationError } from '../helpers/assertions.mjs';
import { assertInvoice, assertPlanFeature, assertSubscription, assertUsageEvent } from '../helpers/shapes.mjs';
import { clockNow, code, freezeAt, newFeature, payingCustomer, processBilling } from '../helpers/billing.mjs';

useServer();

const SONNET = 'anthropic/claude-sonnet-4';
const MINI = 'openai/gpt-4o-mini';

/** A plan with one monthly price and one usage feature priced by AI model. */
async function aiPlan(commet, { model, price, priceOptions, margin, creditsPerUnit, blockOnExhaustion }) {
  const feature = await newFeature(commet, 'usage', { unitName: 'token' });
  const c = code('ai');
  const plan = assertSuccess(await commet.plans.create({
    name: `AI ${c}`, code: c, consumptionModel: model, ...(blockOnExhaustion === undefined ? {} : { blockOnExhaustion }),
  }));
  assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: 'monthly', price, ...priceOptions }));
  const pf = assertSuccess(await commet.plans.addFeature({
    id: plan.id, featureId: feature.id, pricingMode: 'ai_model', margin, ...(creditsPerUnit ? { creditsPerUnit } : {}),
  }));
  assertPlanFeature(pf, plan.id, feature.id);
  assert.equal(pf.pricingMode, 'ai_model');
  assert.equal(pf.margin, margin);
  return { plan, feature };
}

async function subscribed(commet, plan) {
  const customer = await payingCustomer(commet);
  const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
  assert.equal(sub.status, 'active');
  return { customer, sub };
}

async function call(commet, customer, feature, model, inputTokens, outputTokens, cache = {}) {
  const e = assertSuccess(await commet.usage.track({ customerId: customer.id, feature: feature.code, model, inputTokens, outputTokens, ...cache }));
  assertUsageEvent(e);
  return e;
}

async function subscription(commet, id) {
  const s = assertSuccess(await commet.subscriptions.get({ id }));
  assertSubscription(s);
  return s;
}

describe('AI-token usage', () => {
  test('balance: two models with a 20 % margin and cache tokens, priced to the cent; per model on the renewal invoice', async () => {
    const commet = sandbox();
    const { plan, feature } = await aiPlan(commet, {
      model: 'balance', blockOnExhaustion: false, price: 2000, priceOptions: { includedBalance: 100000 }, margin: 2000,
    });
    const { customer, sub } = await subscribed(commet, plan);

    // Sonnet: $3.00 + $3.00 + $0.15 + $0.375 = $6.525 × 1.20 = $7.83 = 78,300.
    const e = await call(commet, customer, feature, SONNET, 1_000_000, 200_000, { cacheReadTokens: 500_000, cacheWriteTokens: 100_000 });
    assert.equal(e.value, 1_800_000, 'the event value is the total token count');
    assert.equal((await subscription(commet, sub.id)).balance.remaining, 100000 - 78300);
    // Mini: $0.30 + $0.60 + $0.30 (4,000,000 cache read × $0.075/M) = $1.20 × 1.20 = $1.44 = 14,400.
    await call(commet, customer, feature, MINI, 2_000_000, 1_000_000, { cacheReadTokens: 4_000_000 });
    // Mini, small: (1,234 × 0.15 + 567 × 0.60) / 10^6 = $0.0005253 × 1.20 = 6.3036 rate units → 7.
    await call(commet, customer, feature, 'gpt-4o-mini', 1_234, 567);
    assert.equal((await subscription(commet, sub.id)).balance.remaining, 100000 - 78300 - 14400 - 7);

    const end = new Date(sub.currentPeriod.end);
    assert.ok(await clockNow(commet) < end);
    await freezeAt(commet, new Date(end.getTime() + 1000));
    await processBilling(commet);
    const invoices = await listAll((p) => commet.invoices.list(p), { subscriptionId: sub.id });
    const renewal = invoices.find((i) => Date.parse(i.periodStart) === end.getTime());
    assert.ok(renewal, 'a renewal invoice');
    const full = assertSuccess(await commet.invoices.get({ id: renewal.id }));
    assertInvoice(full);
    // Paid from the balance as it went: the per-model lines carry no amount; no overspend, so the total is the plan.
    assert.equal(full.total, 2000);
    const lines = full.lineItems.filter((l) => l.lineType === 'feature_overage').sort((a, b) => a.description.localeCompare(b.description));
    assert.equal(lines.length, 2, JSON.stringify(full.lineItems));
    assert.ok(lines.every((l) => l.amount === 0));
    assert.match(lines[0].description, /anthropic\/claude-sonnet-4/);
    assert.match(lines[0].description, /\$7\.83/);
    assert.equal(lines[0].quantity, 1_800_000);
    assert.match(lines[1].description, /openai\/gpt-4o-mini/);
    // 14,407 rate units = $1.4407 → $1.44.
    assert.match(lines[1].description, /\$1\.44/);
    assert.equal(lines[1].quantity, 2_000_000 + 1_000_000 + 4_000_000 + 1_234 + 567);
  });

  test('credits: 100 credits per $1.00 and a 50 % margin, rounded up once per call; refused when short', async () => {
    const commet = sandbox();
    const { plan, feature } = await aiPlan(commet, {
      model: 'credits', price: 1500, priceOptions: { includedCredits: 1000 }, margin: 5000, creditsPerUnit: 100,
    });
    const { customer, sub } = await subscribed(commet, plan);
    // Sonnet: $0.30 + $0.30 + $0.015 + $0.0375 = $0.6525 × 1.50 × 100 = 97.875 → 98 credits.
    await call(commet, customer, feature, SONNET, 100_000, 20_000, { cacheReadTokens: 50_000, cacheWriteTokens: 10_000 });
    // Mini: $0.15 + $0.06 = $0.21 × 1.50 × 100 = 31.5 → 32 credits.
    await call(commet, customer, feature, MINI, 1_000_000, 100_000);
    assert.deepEqual((await subscription(commet, sub.id)).credits, { remaining: 870, included: 1000, purchased: 0 });
    // $30.00 × 1.50 × 100 = 4,500 credits > 870.
    await expectApiError(commet.usage.track({ customerId: customer.id, feature: feature.code, model: SONNET, inputTokens: 10_000_000, outputTokens: 0 }),
      { status: 402, code: 'insufficient_credits' });
    assert.equal((await subscription(commet, sub.id)).credits.remaining, 870);
  });

  test("the organization's own price replaces the built-in one (PUT /api/v1/ai-model-rates)", async () => {
    const commet = sandbox();
    const { plan, feature } = await aiPlan(commet, {
      model: 'balance', blockOnExhaustion: true, price: 2000, priceOptions: { includedBalance: 100000 }, margin: 2000,
    });
    const { customer, sub } = await subscribed(commet, plan);
    const set = await api('/api/v1/ai-model-rates', {
      method: 'PUT', body: { model: MINI, inputPerMillion: 2000, outputPerMillion: 8000, cacheReadPerMillion: 1000 },
    });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.data.source, 'organization');
    // ($0.20 + $0.40 + $0.10) × 1.20 = $0.84 = 8,400.
    await call(commet, customer, feature, MINI, 1_000_000, 500_000, { cacheReadTokens: 1_000_000 });
    assert.equal((await subscription(commet, sub.id)).balance.remaining, 100000 - 8400);
    const list = await api('/api/v1/ai-model-rates');
    assert.equal(list.status, 200);
    assert.equal(list.json.data.data.find((r) => r.model === MINI).source, 'organization');
    assert.equal(list.json.data.data.find((r) => r.model === SONNET).source, 'builtin');
    const removed = await api(`/api/v1/ai-model-rates?model=${encodeURIComponent(MINI)}`, { method: 'DELETE' });
    assert.equal(removed.status, 200, removed.text);
  });

  test('wrong shapes: inputTokens missing, value on an AI feature, an unknown model', async () => {
    const commet = sandbox();
    const { plan, feature } = await aiPlan(commet, {
      model: 'balance', price: 2000, priceOptions: { includedBalance: 100000 }, margin: 0,
    });
    const { customer } = await subscribed(commet, plan);
    await expectValidationError(commet.usage.track({ customerId: customer.id, feature: feature.code, model: SONNET, outputTokens: 1 }), 'inputTokens');
    await expectApiError(commet.usage.track({ customerId: customer.id, feature: feature.code, value: 3 }), { status: 422, code: 'pricing_mode_mismatch' });
    await expectApiError(commet.usage.track({ customerId: customer.id, feature: feature.code, model: 'acme/nope', inputTokens: 1, outputTokens: 1 }),
      { status: 404, code: 'model_not_found' });
  });
});
