// The object types of @commet/node 7.10.0 (dist/index.d.ts), as assertions: every declared field present with
// its declared type, `object` and `livemode`, and the ID prefix of docs/wire.md. Each shape names every field the SDK
// declares (optional ones with `?`) and passes the SDK's type name to assertShape (`Subscription`, or
// `Subscription.plan` for a nested object), so that the fields the server sends beyond them are listed by type.
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
  }, label, 'Customer');
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
  }, label, 'ApiKey');
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
  }, 'createdApiKey', 'CreatedApiKey');
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
  }, label, 'Feature');
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
    'exchangeRates?': 'array',
  }, label, 'Plan');
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
    'regionalPrices?': 'array',
  }, label, 'Plan.features[]');
  assert.ok(featureTypes.includes(f.type), `${label}.type, got ${f.type}`);
  if (f.overage !== null) {
    assertShape(f.overage, { enabled: 'boolean', model: 'string|null', unitPrice: 'number|null' }, `${label}.overage`,
      'Plan.features[].overage');
    if (f.overage.model !== null) assert.equal(f.overage.model, 'per_unit', `${label}.overage.model`);
  }
}

function assertIntroOffer(o, label, type) {
  if (o === null) return;
  assertShape(o, {
    enabled: 'boolean', discountType: 'string|null', discountValue: 'number|null', durationCycles: 'number|null',
  }, label, type);
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
    'regionalPrices?': 'array',
  }, label, 'Plan.prices[]');
  assert.ok(billingIntervals.includes(x.billingInterval), `${label}.billingInterval, got ${x.billingInterval}`);
  assertIntroOffer(x.introOffer, `${label}.introOffer`, 'Plan.prices[].introOffer');
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
  }, label, 'PlanPrice');
  assertId(x.id, 'price', `${label}.id`);
  assert.equal(x.planId, planId, `${label}.planId`);
  assert.ok(billingIntervals.includes(x.billingInterval), `${label}.billingInterval, got ${x.billingInterval}`);
  assertIntroOffer(x.introOffer, `${label}.introOffer`, 'PlanPrice.introOffer');
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
  }, label, 'PlanFeature');
  assert.equal(f.planId, planId, `${label}.planId`);
  assert.equal(f.featureId, featureId, `${label}.featureId`);
  assertShape(f.overage, { enabled: 'boolean', unitPrice: 'number' }, `${label}.overage`, 'PlanFeature.overage');
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
  }, label, 'PlanGroup');
  assertId(g.id, 'plg', `${label}.id`);
  assertObject(g, 'plan_group', livemode, label);
  (g.plans ?? []).forEach((p, i) => {
    assertShape(p, { id: 'string', name: 'string', sortOrder: 'number' }, `${label}.plans[${i}]`, 'PlanGroup.plans[]');
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
  }, label, 'CreditPack');
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
  }, label, 'Addon');
  assertId(a.id, 'adn', `${label}.id`);
  assert.ok(a.slug.length > 0, `${label}.slug should not be empty`);
  assert.ok(['boolean', 'metered', 'credits', 'balance'].includes(a.consumptionModel), `${label}.consumptionModel, got ${a.consumptionModel}`);
  assertObject(a, 'addon', livemode, label);
}

// ---- Subscriptions -------------------------------------------------------------------------------------------

const subscriptionStatuses = ['draft', 'pending_payment', 'trialing', 'active', 'past_due', 'canceled'];
const invoiceStatuses = ['draft', 'outstanding', 'paid', 'void', 'uncollectible'];
const invoiceTypes = ['recurring', 'overage', 'plan_change', 'adjustment', 'credit_purchase', 'balance_topup', 'addon_activation',
  'one_time_payment', 'reactivation'];
const lineTypes = ['plan_base', 'feature_overage', 'feature_seats', 'feature_quota', 'discount', 'promo_code_discount', 'credit',
  'balance_overage', 'addon_base', 'one_time'];
const transactionStatuses = ['pending', 'succeeded', 'failed', 'refunded', 'disputed'];
const providers = ['stripe', 'commet', 'dlocal'];

/** `Subscription`. */
export function assertSubscription(s, livemode = false, label = 'subscription') {
  assertShape(s, {
    id: 'string',
    customerId: 'string',
    plan: 'object',
    name: 'string',
    description: 'string|null',
    status: 'string',
    billingInterval: 'string|null',
    'consumptionModel?': 'string|null',
    trialEndsAt: 'date|null',
    currentPeriod: 'object|null',
    'features?': 'array',
    'credits?': 'object|null',
    'balance?': 'object|null',
    cancellation: 'object|null',
    cancelAtPeriodEnd: 'boolean',
    scheduledPlanChange: 'object|null',
    discount: 'object|null',
    startDate: 'date',
    endDate: 'date|null',
    billingDayOfMonth: 'integer|null',
    nextBillingDate: 'date|null',
    checkoutUrl: 'string|null',
    'checkoutProvider?': 'string|null',
    createdAt: 'date',
    updatedAt: 'date',
  }, label, 'Subscription');
  assertId(s.id, 'sub', `${label}.id`);
  assertId(s.customerId, 'cus', `${label}.customerId`);
  assert.ok(subscriptionStatuses.includes(s.status), `${label}.status is a SubscriptionStatus, got ${s.status}`);
  if (s.billingInterval !== null) assert.ok(billingIntervals.includes(s.billingInterval), `${label}.billingInterval, got ${s.billingInterval}`);
  if (s.consumptionModel != null) assert.ok(consumptionModels.includes(s.consumptionModel), `${label}.consumptionModel, got ${s.consumptionModel}`);
  assertShape(s.plan, { id: 'string', name: 'string', 'basePrice?': 'integer' }, `${label}.plan`, 'Subscription.plan');
  assertId(s.plan.id, 'plan', `${label}.plan.id`);
  if (s.currentPeriod !== null) {
    assertShape(s.currentPeriod, { start: 'date', end: 'date', daysRemaining: 'integer' }, `${label}.currentPeriod`,
      'Subscription.currentPeriod');
    assert.ok(Date.parse(s.currentPeriod.start) < Date.parse(s.currentPeriod.end), `${label}.currentPeriod starts before it ends`);
    assert.ok(s.currentPeriod.daysRemaining >= 0, `${label}.currentPeriod.daysRemaining >= 0`);
  }
  (s.features ?? []).forEach((f, i) => {
    assertShape(f, { code: 'string', name: 'string', type: 'string', 'enabled?': 'boolean', 'usage?': 'object' }, `${label}.features[${i}]`,
      'Subscription.features[]');
    assert.ok(featureTypes.includes(f.type), `${label}.features[${i}].type, got ${f.type}`);
    if (f.usage != null) {
      assertShape(f.usage, { current: 'number', included: 'number', overageQuantity: 'number', 'overageUnitPrice?': 'number' },
        `${label}.features[${i}].usage`, 'Subscription.features[].usage');
    }
  });
  if (s.credits != null) assertShape(s.credits, { remaining: 'number', included: 'number', purchased: 'number' }, `${label}.credits`, 'Subscription.credits');
  if (s.balance != null) assertShape(s.balance, { remaining: 'number', included: 'number', currency: 'string' }, `${label}.balance`, 'Subscription.balance');
  if (s.cancellation !== null) {
    assertShape(s.cancellation, { scheduledAt: 'date', reason: 'string|null', effectiveAt: 'date' }, `${label}.cancellation`, 'Subscription.cancellation');
  }
  if (s.scheduledPlanChange !== null) {
    assertShape(s.scheduledPlanChange, {
      changeType: 'string', newPlanId: 'string|null', newPlanName: 'string|null', newBillingInterval: 'string|null', scheduledFor: 'date',
    }, `${label}.scheduledPlanChange`, 'Subscription.scheduledPlanChange');
    assert.ok(['plan_downgrade', 'interval_change'].includes(s.scheduledPlanChange.changeType),
      `${label}.scheduledPlanChange.changeType, got ${s.scheduledPlanChange.changeType}`);
  }
  if (s.discount !== null) {
    assertShape(s.discount, { type: 'string', value: 'number', name: 'string|null', endsAt: 'string|null' }, `${label}.discount`, 'Subscription.discount');
  }
  if (s.checkoutProvider != null) assert.ok(providers.includes(s.checkoutProvider), `${label}.checkoutProvider, got ${s.checkoutProvider}`);
  assertObject(s, 'subscription', livemode, label);
}

/** `CanceledSubscription`. */
export function assertCanceledSubscription(c, livemode = false, label = 'canceledSubscription') {
  assertShape(c, {
    id: 'string',
    customerId: 'string',
    status: 'string',
    canceledAt: 'date',
    cancelReason: 'string|null',
    scheduledCancellationDate: 'date',
    updatedAt: 'date',
  }, label, 'CanceledSubscription');
  assertId(c.id, 'sub', `${label}.id`);
  assert.ok(subscriptionStatuses.includes(c.status), `${label}.status, got ${c.status}`);
  assertObject(c, 'subscription', livemode, label);
}

/** `UncanceledSubscription`. */
export function assertUncanceledSubscription(u, livemode = false, label = 'uncanceledSubscription') {
  assertShape(u, { id: 'string', customerId: 'string', status: 'string', updatedAt: 'date' }, label, 'UncanceledSubscription');
  assertId(u.id, 'sub', `${label}.id`);
  assert.ok(subscriptionStatuses.includes(u.status), `${label}.status, got ${u.status}`);
  assertObject(u, 'subscription', livemode, label);
}

/** `PlanChange`: every field but `object`/`livemode` is optional; the present ones have their declared types. */
export function assertPlanChange(p, livemode = false, label = 'planChange') {
  assertShape(p, {
    'requiresCheckout?': 'boolean',
    'checkoutUrl?': 'string',
    'id?': 'string',
    'scheduled?': 'boolean',
    'scheduledFor?': 'date',
    'changeType?': 'string',
    'customerId?': 'string',
    'newPlanId?': 'string',
    'newPlanName?': 'string',
    'newBillingInterval?': 'string',
    'previousPlan?': 'object',
    'currentPlan?': 'object',
    'billingInterval?': 'string',
    'billing?': 'object',
    'invoiceId?': 'string',
    'seatLimitWarning?': 'object',
  }, label, 'PlanChange');
  if (p.changeType != null) {
    assert.ok(['subscription.plan_downgrade', 'subscription.interval_change', 'subscription.cancel'].includes(p.changeType),
      `${label}.changeType, got ${p.changeType}`);
  }
  if (p.previousPlan != null) assertShape(p.previousPlan, { id: 'string', name: 'string' }, `${label}.previousPlan`, 'PlanChange.previousPlan');
  if (p.currentPlan != null) assertShape(p.currentPlan, { id: 'string', name: 'string', price: 'number' }, `${label}.currentPlan`, 'PlanChange.currentPlan');
  if (p.billing != null) {
    assertShape(p.billing, {
      credit: 'integer', creditsApplied: 'number', charge: 'integer', taxAmount: 'integer', netAmount: 'integer', totalCharged: 'integer',
      remainingCreditBalance: 'number',
    }, `${label}.billing`, 'PlanChange.billing');
  }
  if (p.invoiceId != null) assertId(p.invoiceId, 'inv', `${label}.invoiceId`);
  if (p.seatLimitWarning != null) {
    assertShape(p.seatLimitWarning, {
      featureCode: 'string', featureName: 'string', currentSeats: 'number', included: 'number', newPlanName: 'string', effectiveDate: 'date',
    }, `${label}.seatLimitWarning`, 'PlanChange.seatLimitWarning');
  }
  assertObject(p, 'subscription', livemode, label);
}

/** `PreviewChange`. */
export function assertPreviewChange(p, livemode = false, label = 'previewChange') {
  assertShape(p, {
    currency: 'string',
    currentPlanCredit: 'integer',
    newPlanCharge: 'integer',
    estimatedTotal: 'integer',
    effectiveDate: 'date',
    daysRemaining: 'integer',
    totalDays: 'integer',
    isUpgrade: 'boolean',
  }, label, 'PreviewChange');
  assertObject(p, 'subscription', livemode, label);
}

/** `ReactivatedSubscription`. */
export function assertReactivatedSubscription(r, livemode = false, label = 'reactivatedSubscription') {
  assertShape(r, { id: 'string', retryInitiated: 'boolean' }, label, 'ReactivatedSubscription');
  assertId(r.id, 'sub', `${label}.id`);
  assertObject(r, 'subscription', livemode, label);
}

/** `RecoveryLink`. */
export function assertRecoveryLink(r, livemode = false, label = 'recoveryLink') {
  assertShape(r, { url: 'string', token: 'string' }, label, 'RecoveryLink');
  assert.match(r.url, /^https?:\/\//, `${label}.url is an absolute URL`);
  assert.ok(r.token.length >= 16, `${label}.token is long enough to be unguessable`);
  assertObject(r, 'subscription', livemode, label);
}

/** `PaymentMethodUpdateCheckout`. */
export function assertPaymentMethodUpdateCheckout(c, livemode = false, label = 'paymentMethodUpdateCheckout') {
  assertShape(c, { checkoutUrl: 'string' }, label, 'PaymentMethodUpdateCheckout');
  assert.match(c.checkoutUrl, /^https?:\/\//, `${label}.checkoutUrl is an absolute URL`);
  assertObject(c, 'subscription', livemode, label);
}

/** `SubscriptionAddon`. */
export function assertSubscriptionAddon(a, livemode = false, label = 'subscriptionAddon') {
  assertShape(a, { addonId: 'string', status: 'string', proratedCharge: 'integer' }, label, 'SubscriptionAddon');
  assert.equal(a.status, 'active', `${label}.status`);
  assertObject(a, 'subscription', livemode, label);
}

/** `DeletedSubscriptionAddon`. */
export function assertDeletedSubscriptionAddon(a, livemode = false, label = 'deletedSubscriptionAddon') {
  assertShape(a, { id: 'string', status: 'string', deactivatedAt: 'date|null' }, label, 'DeletedSubscriptionAddon');
  assert.equal(a.status, 'inactive', `${label}.status`);
  assertObject(a, 'subscription', livemode, label);
}

// ---- Test clock ---------------------------------------------------------------------------------------------

/** `TestClock`. */
export function assertTestClock(c, label = 'testClock') {
  assertShape(c, { simulatedTime: 'date|null', isActive: 'boolean', now: 'date' }, label, 'TestClock');
  assertObject(c, 'test_clock', false, label);
}

/** `TestClockBilling`. */
export function assertTestClockBilling(b, label = 'testClockBilling') {
  assertShape(b, { customersFound: 'integer', enqueued: 'integer', failed: 'integer', dunningRetried: 'integer', dunningFailed: 'integer' }, label, 'TestClockBilling');
  assertObject(b, 'test_clock', false, label);
}

// ---- Invoices and transactions --------------------------------------------------------------------------------

/** `Invoice`; `lineItems` is checked when present (the list may leave it out; get includes it). */
export function assertInvoice(i, livemode = false, label = 'invoice') {
  assertShape(i, {
    id: 'string',
    customerId: 'string',
    subscriptionId: 'string|null',
    invoiceNumber: 'string',
    status: 'string',
    invoiceType: 'string',
    currency: 'string',
    subtotal: 'integer',
    discountAmount: 'integer',
    'creditApplied?': 'integer',
    taxAmount: 'integer',
    total: 'integer',
    periodStart: 'date',
    periodEnd: 'date',
    issueDate: 'date',
    dueDate: 'date',
    'planName?': 'string|null',
    memo: 'string|null',
    'poNumber?': 'string|null',
    'reference?': 'string|null',
    metadata: 'object',
    createdAt: 'date',
    updatedAt: 'date',
    'lineItems?': 'array',
  }, label, 'Invoice');
  assertId(i.id, 'inv', `${label}.id`);
  assert.ok(invoiceStatuses.includes(i.status), `${label}.status, got ${i.status}`);
  assert.ok(invoiceTypes.includes(i.invoiceType), `${label}.invoiceType, got ${i.invoiceType}`);
  if (i.subscriptionId !== null) assertId(i.subscriptionId, 'sub', `${label}.subscriptionId`);
  (i.lineItems ?? []).forEach((l, n) => assertLineItem(l, `${label}.lineItems[${n}]`));
  assertObject(i, 'invoice', livemode, label);
}

/** An element of `Invoice.lineItems`. */
export function assertLineItem(l, label) {
  assertShape(l, {
    lineType: 'string',
    featureName: 'string|null',
    description: 'string',
    quantity: 'number',
    unitAmount: 'number',
    amount: 'integer',
    includedAmount: 'number|null',
    usedAmount: 'number|null',
    overageAmount: 'number|null',
    discountType: 'string|null',
    discountValue: 'number|null',
    discountName: 'string|null',
    chargeType: 'string',
  }, label, 'Invoice.lineItems[]');
  assert.ok(lineTypes.includes(l.lineType), `${label}.lineType, got ${l.lineType}`);
  assert.ok(['standard', 'advance', 'true_up'].includes(l.chargeType), `${label}.chargeType, got ${l.chargeType}`);
}

/** `CreatedInvoice`. */
export function assertCreatedInvoice(i, livemode = false, label = 'createdInvoice') {
  assertShape(i, {
    id: 'string',
    customerId: 'string',
    invoiceNumber: 'string',
    status: 'string',
    invoiceType: 'string',
    currency: 'string',
    subtotal: 'integer',
    taxAmount: 'integer',
    total: 'integer',
    issueDate: 'date',
    dueDate: 'date',
    memo: 'string|null',
    metadata: 'object',
    createdAt: 'date',
    updatedAt: 'date',
  }, label, 'CreatedInvoice');
  assertId(i.id, 'inv', `${label}.id`);
  assert.ok(invoiceStatuses.includes(i.status), `${label}.status, got ${i.status}`);
  assert.ok(invoiceTypes.includes(i.invoiceType), `${label}.invoiceType, got ${i.invoiceType}`);
  assertObject(i, 'invoice', livemode, label);
}

/** `InvoiceDownload`. */
export function assertInvoiceDownload(d, livemode = false, label = 'invoiceDownload') {
  assertShape(d, { url: 'string', expiresAt: 'date' }, label, 'InvoiceDownload');
  assert.match(d.url, /^https?:\/\//, `${label}.url is an absolute URL`);
  assertObject(d, 'invoice', livemode, label);
}

/** `InvoiceStatus`. */
export function assertInvoiceStatus(s, livemode = false, label = 'invoiceStatus') {
  assertShape(s, { id: 'string', status: 'string', updatedAt: 'date' }, label, 'InvoiceStatus');
  assertId(s.id, 'inv', `${label}.id`);
  assert.ok(invoiceStatuses.includes(s.status), `${label}.status, got ${s.status}`);
  assertObject(s, 'invoice', livemode, label);
}

/** `Transaction`. */
export function assertTransaction(t, livemode = false, label = 'transaction') {
  assertShape(t, {
    id: 'string',
    invoiceId: 'string|null',
    grossAmount: 'integer|null',
    subtotal: 'integer|null',
    taxAmount: 'integer|null',
    presentmentAmount: 'integer|null',
    currency: 'string',
    provider: 'string',
    status: 'string',
    customerEmail: 'string|null',
    customerName: 'string|null',
    paidAt: 'date|null',
    createdAt: 'date',
    updatedAt: 'date',
    'availableAt?': 'date|null',
  }, label, 'Transaction');
  assertId(t.id, 'txn', `${label}.id`);
  if (t.invoiceId !== null) assertId(t.invoiceId, 'inv', `${label}.invoiceId`);
  assert.ok(providers.includes(t.provider), `${label}.provider, got ${t.provider}`);
  assert.ok(transactionStatuses.includes(t.status), `${label}.status, got ${t.status}`);
  assertObject(t, 'transaction', livemode, label);
}

/** `TransactionRefund`. */
export function assertTransactionRefund(r, livemode = false, label = 'transactionRefund') {
  assertShape(r, { id: 'string', status: 'string' }, label, 'TransactionRefund');
  assertId(r.id, 'txn', `${label}.id`);
  assert.equal(r.status, 'refunded', `${label}.status`);
  assertObject(r, 'transaction', livemode, label);
}

/** `TransactionRetry`. */
export function assertTransactionRetry(r, livemode = false, label = 'transactionRetry') {
  assertShape(r, { id: 'string', status: 'string' }, label, 'TransactionRetry');
  assertId(r.id, 'txn', `${label}.id`);
  assert.equal(r.status, 'processing', `${label}.status`);
  assertObject(r, 'transaction', livemode, label);
}

// ---- Usage, seats, feature access, purchases --------------------------------------------------------------

/** `UsageEvent`. */
export function assertUsageEvent(e, livemode = false, label = 'usageEvent') {
  assertShape(e, {
    id: 'string',
    organizationId: 'string',
    customerId: 'string',
    feature: 'string',
    'idempotencyKey?': 'string',
    ts: 'date',
    'properties?': 'array',
    createdAt: 'date',
  }, label, 'UsageEvent');
  assertId(e.id, 'evt', `${label}.id`);
  (e.properties ?? []).forEach((p, i) => {
    assertShape(p, { id: 'string', usageEventId: 'string', property: 'string', value: 'string', createdAt: 'date' }, `${label}.properties[${i}]`,
      'UsageEventProperty');
    assert.equal(p.usageEventId, e.id, `${label}.properties[${i}].usageEventId`);
  });
  assertObject(e, 'usage_event', livemode, label);
}

/** `UsageCheckResult` (the type declares no `object`/`livemode`). */
export function assertUsageCheckResult(r, label = 'usageCheck') {
  assertShape(r, {
    allowed: 'boolean',
    consumptionModel: 'string',
    feature: 'string',
    quantity: 'number',
    'current?': 'number',
    'remaining?': 'number',
    'unlimited?': 'boolean',
    'included?': 'number',
    'overageEnabled?': 'boolean',
    'overageUnitPrice?': 'number|null',
    'creditsPerUnit?': 'number',
    'estimatedCredits?': 'number',
    'planCredits?': 'number',
    'purchasedCredits?': 'number',
    'totalCredits?': 'number',
    'unitPrice?': 'number',
    'estimatedAmount?': 'number',
    'currentBalance?': 'number',
    'blockOnExhaustion?': 'boolean',
    'currency?': 'string',
    'reason?': 'string',
    'message?': 'string',
  }, label, 'UsageCheckResult');
  assert.ok(consumptionModels.includes(r.consumptionModel), `${label}.consumptionModel, got ${r.consumptionModel}`);
  if (r.reason != null) {
    assert.ok(['included_limit_reached', 'insufficient_credits', 'insufficient_balance'].includes(r.reason), `${label}.reason, got ${r.reason}`);
  }
}

/** `UsageAdjustment`. */
export function assertUsageAdjustment(a, livemode = false, label = 'usageAdjustment') {
  assertShape(a, {
    id: 'string',
    feature: 'string',
    value: 'number',
    previousValue: 'number',
    adjustment: 'number',
    customerId: 'string',
    idempotencyKey: 'string|null',
    reason: 'string|null',
    ts: 'date',
    createdAt: 'date',
  }, label, 'UsageAdjustment');
  assertId(a.id, 'evt', `${label}.id`);
  assertObject(a, 'usage_event', livemode, label);
}

/** `SeatEvent`. */
export function assertSeatEvent(e, livemode = false, label = 'seatEvent') {
  assertShape(e, {
    id: 'string', customerId: 'string', featureCode: 'string', previousBalance: 'integer', newBalance: 'integer', ts: 'date', createdAt: 'date',
  }, label, 'SeatEvent');
  assertObject(e, 'seat', livemode, label);
}

/** `BulkSeatUpdate`. */
export function assertBulkSeatUpdate(e, livemode = false, label = 'bulkSeatUpdate') {
  assertShape(e, { id: 'string', featureCode: 'string', previousBalance: 'integer', newBalance: 'integer', ts: 'date', createdAt: 'date' }, label, 'BulkSeatUpdate');
  assertObject(e, 'seat', livemode, label);
}

/** `SeatBalance`. */
export function assertSeatBalance(b, livemode = false, label = 'seatBalance') {
  assertShape(b, { current: 'integer', asOf: 'date' }, label, 'SeatBalance');
  assertObject(b, 'seat', livemode, label);
}

/** `FeatureAccess`. */
export function assertFeatureAccess(f, livemode = false, label = 'featureAccess') {
  assertShape(f, {
    code: 'string',
    name: 'string',
    type: 'string',
    allowed: 'boolean',
    'enabled?': 'boolean',
    'current?': 'number',
    'included?': 'number',
    'remaining?': 'number',
    'overageQuantity?': 'number',
    'overageUnitPrice?': 'number',
    'unlimited?': 'boolean',
    'overageEnabled?': 'boolean',
    'billedQuantity?': 'number',
  }, label, 'FeatureAccess');
  assert.ok(featureTypes.includes(f.type), `${label}.type, got ${f.type}`);
  assertObject(f, 'feature', livemode, label);
}

/** `FeatureLookup`. */
export function assertFeatureLookup(f, livemode = false, label = 'featureLookup') {
  assertShape(f, {
    allowed: 'boolean',
    'code?': 'string',
    'name?': 'string',
    'type?': 'string',
    'enabled?': 'boolean',
    'current?': 'number',
    'included?': 'number',
    'remaining?': 'number',
    'overageQuantity?': 'number',
    'overageUnitPrice?': 'number',
    'unlimited?': 'boolean',
    'overageEnabled?': 'boolean',
    'billedQuantity?': 'number',
    'willBeCharged?': 'boolean',
    'reason?': 'string',
  }, label, 'FeatureLookup');
  if (f.type != null) assert.ok(featureTypes.includes(f.type), `${label}.type, got ${f.type}`);
  assertObject(f, 'feature', livemode, label);
}

/** `CreditGrant`. */
export function assertCreditGrant(g, livemode = false, label = 'creditGrant') {
  assertShape(g, { credits: 'integer' }, label, 'CreditGrant');
  assertObject(g, 'subscription', livemode, label);
}

/** `BalanceTopup`. */
export function assertBalanceTopup(t, livemode = false, label = 'balanceTopup') {
  assertShape(t, { amount: 'integer' }, label, 'BalanceTopup');
  assertObject(t, 'subscription', livemode, label);
}

/** `BalanceAdjustment`. */
export function assertBalanceAdjustment(a, livemode = false, label = 'balanceAdjustment') {
  assertShape(a, { amount: 'number', newBalance: 'number', reason: 'string|null' }, label, 'BalanceAdjustment');
  assertObject(a, 'subscription', livemode, label);
}

const paymentStatuses = ['pending', 'processing', 'succeeded', 'requires_action', 'failed', 'canceled'];

/** `Payment` (a payment link or an off-session charge). */
export function assertPayment(p, livemode = false, label = 'payment') {
  assertShape(p, {
    id: 'string',
    customerId: 'string|null',
    kind: 'string',
    status: 'string',
    provider: 'string',
    amountSubtotal: 'integer',
    taxAmount: 'integer',
    amountTotal: 'integer',
    currency: 'string',
    description: 'string',
    metadata: 'object|null',
    url: 'string|null',
    expiresAt: 'date|null',
    createdAt: 'date',
    updatedAt: 'date',
  }, label, 'Payment');
  assertId(p.id, 'pay', `${label}.id`);
  assert.ok(['link', 'charge'].includes(p.kind), `${label}.kind, got ${p.kind}`);
  assert.ok(paymentStatuses.includes(p.status), `${label}.status, got ${p.status}`);
  assert.ok(providers.includes(p.provider), `${label}.provider, got ${p.provider}`);
  assert.equal(p.amountTotal, p.amountSubtotal + p.taxAmount, `${label}.amountTotal = subtotal + tax`);
  assertObject(p, 'payment', livemode, label);
}

/** `ActiveAddon` (an element of addons.listActive). */
export function assertActiveAddon(a, livemode = false, label = 'activeAddon') {
  assertShape(a, {
    slug: 'string',
    name: 'string',
    basePrice: 'integer',
    featureCode: 'string',
    featureName: 'string',
    featureType: 'string',
    consumptionModel: 'string',
    activatedAt: 'date',
  }, label, 'ActiveAddon');
  assert.ok(featureTypes.includes(a.featureType), `${label}.featureType, got ${a.featureType}`);
  assert.ok(['boolean', 'metered', 'credits', 'balance'].includes(a.consumptionModel), `${label}.consumptionModel, got ${a.consumptionModel}`);
  assertObject(a, 'addon', livemode, label);
}

/** `SentInvoice` (invoices.send). */
export function assertSentInvoice(s, livemode = false, label = 'sentInvoice') {
  assertShape(s, { sent: 'boolean', sentAt: 'date' }, label, 'SentInvoice');
  assertObject(s, 'invoice', livemode, label);
}

/** `PortalAccess` (portal.getUrl). */
export function assertPortalAccess(p, livemode = false, label = 'portalAccess') {
  assertShape(p, { portalUrl: 'string' }, label, 'PortalAccess');
  assert.match(p.portalUrl, /^https?:\/\//, `${label}.portalUrl is an absolute URL`);
  assertObject(p, 'portal_session', livemode, label);
}

const webhookEndpointFields = {
  id: 'string',
  url: 'string',
  events: 'array',
  description: 'string|null',
  isActive: 'boolean',
  apiVersion: 'string|null',
  createdAt: 'date',
};

/** `WebhookEndpoint` (webhooks.list/get/update). */
export function assertWebhookEndpoint(w, livemode = false, label = 'webhookEndpoint') {
  assertShape(w, webhookEndpointFields, label, 'WebhookEndpoint');
  assert.ok(w.events.every((e) => typeof e === 'string'), `${label}.events are strings`);
  assertObject(w, 'webhook', livemode, label);
}

/**
 * `WebhookEndpointCreated` (webhooks.create): a `WebhookEndpoint` and its `secretKey`. It `extends WebhookEndpoint` in
 * the SDK, so the fields it carries beyond that are noted under `WebhookEndpoint`.
 */
export function assertWebhookEndpointCreated(w, livemode = false, label = 'webhookEndpointCreated') {
  assertShape(w, { ...webhookEndpointFields, secretKey: 'string' }, label, 'WebhookEndpoint');
  assert.match(w.secretKey, /^whsec_/, `${label}.secretKey`);
  assertObject(w, 'webhook', livemode, label);
}

/** `WebhookTestResult` (webhooks.test). */
export function assertWebhookTestResult(r, label = 'webhookTestResult') {
  assertShape(r, { success: 'boolean', deliveryId: 'string', deliveredAt: 'date' }, label, 'WebhookTestResult');
}

/** What webhooks.delete answers: `{id, deleted: true}`. */
export function assertDeletedWebhook(d, label = 'deletedWebhook') {
  assertShape(d, { id: 'string', deleted: 'boolean' }, label, 'DeletedObject');
  assert.equal(d.deleted, true, `${label}.deleted`);
}

