// The object types of @commet/node 7.10.0 (dist/index.d.ts), as assertions: every declared field present with
// its declared type, `object` and `livemode`, and the ID prefix of WIRE.md.
import assert from 'node:assert/strict';
import { assertId, assertObject, assertShape } from './assertions.mjs';

const featureTypes = ['boolean', 'usage', 'seats', 'quota'];
const consumptionModels = ['metered', 'credits', 'balance'];
const billingIntervals = ['weekly', 'monthly', 'quarterly', 'yearly', 'one_time'];

/** `Customer`. */
export function assertCustomer(c, livemode = false, label = 'customer') {
  assertShape(c, {
    id: 'string',
    externalId: 'string|null',
    fullName: 'string|null',
    email: 'string',
    taxDocument: 'string|null',
    documentType: 'string|null',
    timezone: 'string|null',
    metadata: 'object|null',
    createdAt: 'date',
    updatedAt: 'date',
  }, label);
  assertId(c.id, 'cus', `${label}.id`);
  assertObject(c, 'customer', livemode, label);
}

/** `ApiKey` (never the secret). */
export function assertApiKey(k, livemode, label = 'apiKey') {
  assertShape(k, {
    id: 'string',
    name: 'string',
    prefix: 'string',
    expiresAt: 'date|null',
    lastUsedAt: 'date|null',
    createdAt: 'date',
  }, label);
  assertObject(k, 'api_key', livemode, label);
  for (const secretField of ['apiKey', 'key', 'secret', 'hash', 'token']) {
    assert.ok(!Object.hasOwn(k, secretField), `${label} must not carry ${secretField}`);
  }
  assert.ok(k.prefix.length >= 3 && k.prefix.length < 20, `${label}.prefix should be a short prefix, got ${k.prefix}`);
}

/** `CreatedApiKey`: the only time the full key is shown. */
export function assertCreatedApiKey(k, livemode) {
  assertShape(k, {
    id: 'string',
    name: 'string',
    apiKey: 'string',
    prefix: 'string',
    expiresAt: 'date|null',
    createdAt: 'date',
  }, 'createdApiKey');
  assertObject(k, 'api_key', livemode, 'createdApiKey');
  assert.ok(k.apiKey.startsWith(livemode ? 'ck_live_' : 'ck_test_'),
    `apiKey should start with ck_${livemode ? 'live' : 'test'}_, got ${k.apiKey.slice(0, 8)}…`);
  assert.ok(k.apiKey.length >= 32, 'apiKey should be long enough to be unguessable');
  assert.ok(k.apiKey.startsWith(k.prefix), 'prefix is the start of the key');
  assert.ok(k.prefix.length < k.apiKey.length - 16, 'prefix must not give away the key');
}

/** `Feature`. */
export function assertFeature(f, livemode = false, label = 'feature') {
  assertShape(f, {
    id: 'string',
    name: 'string',
    code: 'string',
    type: 'string',
    description: 'string|null',
    unitName: 'string|null',
    createdAt: 'date',
    updatedAt: 'date',
  }, label);
  assertId(f.id, 'ftr', `${label}.id`);
  assert.ok(featureTypes.includes(f.type), `${label}.type is a FeatureType, got ${f.type}`);
  assertObject(f, 'feature', livemode, label);
}

/** `Plan`; `features` and `prices` are checked when present (they are optional in the type). */
export function assertPlan(p, livemode = false, label = 'plan') {
  assertShape(p, {
    id: 'string',
    name: 'string',
    code: 'string',
    description: 'string|null',
    consumptionModel: 'string|null',
    isPublic: 'boolean',
    isDefault: 'boolean',
    isFree: 'boolean',
    blockOnExhaustion: 'boolean|null',
    sortOrder: 'number',
    planGroupId: 'string|null',
    metadata: 'object|null',
    createdAt: 'date',
    updatedAt: 'date',
    'features?': 'array',
    'prices?': 'array',
  }, label);
  assertId(p.id, 'plan', `${label}.id`);
  if (p.consumptionModel !== null) {
    assert.ok(consumptionModels.includes(p.consumptionModel), `${label}.consumptionModel, got ${p.consumptionModel}`);
  }
  assertObject(p, 'plan', livemode, label);
  (p.features ?? []).forEach((f, i) => assertPlanFeatureSummary(f, `${label}.features[${i}]`));
  (p.prices ?? []).forEach((x, i) => assertPlanPriceSummary(x, `${label}.prices[${i}]`));
}

/** An element of `Plan.features`. */
export function assertPlanFeatureSummary(f, label) {
  assertShape(f, {
    code: 'string',
    name: 'string',
    type: 'string',
    unitName: 'string|null',
    enabled: 'boolean',
    includedAmount: 'number|null',
    unlimited: 'boolean',
    overage: 'object|null',
  }, label);
  assert.ok(featureTypes.includes(f.type), `${label}.type, got ${f.type}`);
  if (f.overage !== null) {
    assertShape(f.overage, { enabled: 'boolean', model: 'string|null', unitPrice: 'number|null' }, `${label}.overage`);
    if (f.overage.model !== null) assert.equal(f.overage.model, 'per_unit', `${label}.overage.model`);
  }
}

function assertIntroOffer(o, label) {
  if (o === null) return;
  assertShape(o, {
    enabled: 'boolean', discountType: 'string|null', discountValue: 'number|null', durationCycles: 'number|null',
  }, label);
}

/** An element of `Plan.prices`. */
export function assertPlanPriceSummary(x, label) {
  assertShape(x, {
    billingInterval: 'string',
    price: 'integer',
    isDefault: 'boolean',
    trialDays: 'integer',
    includedBalance: 'number|null',
    includedCredits: 'number|null',
    introOffer: 'object|null',
  }, label);
  assert.ok(billingIntervals.includes(x.billingInterval), `${label}.billingInterval, got ${x.billingInterval}`);
  assertIntroOffer(x.introOffer, `${label}.introOffer`);
}

/** `PlanPrice`. */
export function assertPlanPrice(x, planId, livemode = false, label = 'planPrice') {
  assertShape(x, {
    id: 'string',
    planId: 'string',
    billingInterval: 'string',
    price: 'integer',
    isDefault: 'boolean',
    trialDays: 'integer',
    includedBalance: 'number|null',
    includedCredits: 'number|null',
    introOffer: 'object|null',
    createdAt: 'date',
    updatedAt: 'date',
  }, label);
  assertId(x.id, 'price', `${label}.id`);
  assert.equal(x.planId, planId, `${label}.planId`);
  assert.ok(billingIntervals.includes(x.billingInterval), `${label}.billingInterval, got ${x.billingInterval}`);
  assertIntroOffer(x.introOffer, `${label}.introOffer`);
  assertObject(x, 'plan', livemode, label);
}

/** `PlanFeature` (the answer of addFeature / updateFeature). */
export function assertPlanFeature(f, planId, featureId, livemode = false, label = 'planFeature') {
  assertShape(f, {
    planId: 'string',
    featureId: 'string',
    enabled: 'boolean',
    includedAmount: 'number',
    unlimited: 'boolean',
    overage: 'object',
    creditsPerUnit: 'number|null',
    pricingMode: 'string',
    margin: 'number|null',
  }, label);
  assert.equal(f.planId, planId, `${label}.planId`);
  assert.equal(f.featureId, featureId, `${label}.featureId`);
  assertShape(f.overage, { enabled: 'boolean', unitPrice: 'number' }, `${label}.overage`);
  assert.ok(['fixed', 'ai_model'].includes(f.pricingMode), `${label}.pricingMode, got ${f.pricingMode}`);
  assertObject(f, 'plan', livemode, label);
}

/** `PlanGroup`. */
export function assertPlanGroup(g, livemode = false, label = 'planGroup') {
  assertShape(g, {
    id: 'string',
    name: 'string',
    description: 'string|null',
    isPublic: 'boolean',
    createdAt: 'date',
    updatedAt: 'date',
    'plans?': 'array',
  }, label);
  assertId(g.id, 'plg', `${label}.id`);
  assertObject(g, 'plan_group', livemode, label);
  (g.plans ?? []).forEach((p, i) => {
    assertShape(p, { id: 'string', name: 'string', sortOrder: 'number' }, `${label}.plans[${i}]`);
    assertId(p.id, 'plan', `${label}.plans[${i}].id`);
  });
}

/** `CreditPack`. */
export function assertCreditPack(k, livemode = false, label = 'creditPack') {
  assertShape(k, {
    id: 'string',
    name: 'string',
    description: 'string|null',
    credits: 'integer',
    price: 'integer',
    'currency?': 'string',
    'isActive?': 'boolean',
    'createdAt?': 'date',
    'updatedAt?': 'date',
  }, label);
  assertId(k.id, 'cpk', `${label}.id`);
  assertObject(k, 'credit_pack', livemode, label);
}

/** `Addon`. */
export function assertAddon(a, livemode = false, label = 'addon') {
  assertShape(a, {
    id: 'string',
    name: 'string',
    slug: 'string',
    description: 'string|null',
    basePrice: 'integer',
    consumptionModel: 'string',
    featureCode: 'string',
    featureName: 'string',
    includedUnits: 'number|null',
    overageRate: 'number|null',
    creditCost: 'number|null',
    createdAt: 'date',
    updatedAt: 'date',
  }, label);
  assertId(a.id, 'adn', `${label}.id`);
  assert.ok(a.slug.length > 0, `${label}.slug should not be empty`);
  assert.ok(['boolean', 'metered', 'credits', 'balance'].includes(a.consumptionModel), `${label}.consumptionModel, got ${a.consumptionModel}`);
  assertObject(a, 'addon', livemode, label);
}
