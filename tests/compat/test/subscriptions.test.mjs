// subscriptions.* of @commet/node 7.10.0 against the server (docs/product.md §3.2–3.5): create (free, paid with and without
// a card, trials), get, getActive, list, cancel/uncancel, changePlan/previewChange with exact proration on the test
// clock, scheduled downgrades, reactivate, recovery links, card-update links and add-ons.
//
// The sandbox test clock is frozen at the start of this file and only moves forward; it is shared by every test
// here, so each test that needs exact dates takes the next 1st of a 30-day month (helpers/billing.mjs).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CommetAPIError, listAll, live, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertList, assertSuccess, expectApiError, expectRefused, expectValidationError, unique } from '../helpers/assertions.mjs';
import {
  assertActiveAddon, assertCanceledSubscription, assertDeletedSubscriptionAddon, assertPaymentMethodUpdateCheckout, assertPlanChange, assertPreviewChange,
  assertReactivatedSubscription, assertRecoveryLink, assertSubscription, assertSubscriptionAddon, assertUncanceledSubscription,
} from '../helpers/shapes.mjs';
import {
  CARD_FAILS_LATER, CARD_OK, addDays, addMonths, advanceDays, assertSameInstant, attachCard, clockNow, freezeAtNextThirtyDayMonth,
  newCustomer, newFeature, newGroup, newPlan, payingCustomer, processBilling,
} from '../helpers/billing.mjs';

useServer();

const DAY = 24 * 60 * 60 * 1000;

async function subscribe(commet, customer, plan, extra = {}) {
  const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id, ...extra }));
  assertSubscription(sub);
  return sub;
}

async function getSub(commet, id) {
  const sub = assertSuccess(await commet.subscriptions.get({ id }));
  assertSubscription(sub);
  return sub;
}

describe('subscriptions.create', () => {
  before(async () => {
    // Exact dates from here on: the clock stands still at midnight UTC on the 1st of a 30-day month.
    await freezeAtNextThirtyDayMonth(sandbox());
  });

  test('free plan: active at once, no interval, no checkout', async () => {
    const commet = sandbox();
    const now = await clockNow(commet);
    const customer = await newCustomer(commet);
    const plan = await newPlan(commet, { free: true, name: 'Free' });
    const sub = await subscribe(commet, customer, plan);
    assert.equal(sub.status, 'active');
    assert.equal(sub.customerId, customer.id);
    assert.equal(sub.plan.id, plan.id);
    assert.equal(sub.plan.name, 'Free');
    if (sub.plan.basePrice !== undefined) assert.equal(sub.plan.basePrice, 0);
    assert.equal(sub.name, 'Free', 'name is the plan name');
    assert.equal(sub.billingInterval, null, 'a free plan has no billing interval');
    assert.equal(sub.checkoutUrl, null);
    assert.equal(sub.trialEndsAt, null);
    assert.equal(sub.cancelAtPeriodEnd, false);
    assert.equal(sub.cancellation, null);
    assert.equal(sub.scheduledPlanChange, null);
    assert.equal(sub.endDate, null);
    assert.equal(sub.nextBillingDate, null, 'nothing to bill on a free plan');
    assertSameInstant(sub.startDate, now, 'startDate');
  });

  test('paid plan, customer with a card: charged and active with the current period', async () => {
    const commet = sandbox();
    const now = await clockNow(commet);
    const customer = await payingCustomer(commet);
    const plan = await newPlan(commet, { price: 2900, name: 'Basic' });
    const sub = await subscribe(commet, customer, plan);
    assert.equal(sub.status, 'active');
    assert.equal(sub.billingInterval, 'monthly');
    assert.equal(sub.consumptionModel ?? 'metered', 'metered');
    if (sub.plan.basePrice !== undefined) assert.equal(sub.plan.basePrice, 2900);
    assert.equal(sub.checkoutUrl, null, 'no checkout when the card was charged');
    assert.ok(sub.currentPeriod, 'an active paid subscription has a current period');
    assertSameInstant(sub.currentPeriod.start, now, 'currentPeriod.start');
    assertSameInstant(sub.currentPeriod.end, addMonths(now, 1), 'currentPeriod.end');
    assert.equal(sub.currentPeriod.daysRemaining, Math.round((addMonths(now, 1) - now) / DAY));
    assertSameInstant(sub.nextBillingDate, addMonths(now, 1), 'nextBillingDate');
    assert.equal(sub.billingDayOfMonth, now.getUTCDate());
    assertSameInstant(sub.startDate, now, 'startDate');
    assert.equal(sub.trialEndsAt, null);
  });

  test('paid plan, no card: pending_payment with a hosted checkoutUrl', async () => {
    const commet = sandbox();
    const customer = await newCustomer(commet);
    const plan = await newPlan(commet, { price: 4900 });
    const sub = await subscribe(commet, customer, plan, { successUrl: 'https://merchant.example.com/welcome' });
    assert.equal(sub.status, 'pending_payment');
    assert.equal(typeof sub.checkoutUrl, 'string');
    assert.match(sub.checkoutUrl, /^https?:\/\/\S+$/, 'checkoutUrl is an absolute URL');
    assert.equal(sub.nextBillingDate, null, 'nothing is scheduled before the first payment');
    // get answers it in any status, with the same checkout link.
    const again = await getSub(commet, sub.id);
    assert.equal(again.status, 'pending_payment');
    assert.match(again.checkoutUrl, /^https?:\/\/\S+$/, 'get answers the checkout link too');
  });

  test('plan price with trialDays: trialing with trialEndsAt; a card on file means no checkout', async () => {
    const commet = sandbox();
    const now = await clockNow(commet);
    const plan = await newPlan(commet, { price: 2900, priceOptions: { trialDays: 14 } });

    const withCard = await subscribe(commet, await payingCustomer(commet), plan);
    assert.equal(withCard.status, 'trialing');
    assertSameInstant(withCard.trialEndsAt, addDays(now, 14), 'trialEndsAt');
    assert.equal(withCard.checkoutUrl, null);
    if (withCard.nextBillingDate !== null) assertSameInstant(withCard.nextBillingDate, addDays(now, 14), 'first billing when the trial ends');

    const withoutCard = await subscribe(commet, await newCustomer(commet), plan);
    assert.equal(withoutCard.status, 'trialing');
    assertSameInstant(withoutCard.trialEndsAt, addDays(now, 14), 'trialEndsAt');
    assert.equal(typeof withoutCard.checkoutUrl, 'string', 'a trial without a card asks for one (no charge)');
  });

  test('skipTrial: active and charged at once; customTrialDays overrides the plan', async () => {
    const commet = sandbox();
    const now = await clockNow(commet);
    const plan = await newPlan(commet, { price: 2900, priceOptions: { trialDays: 14 } });
    const skipped = await subscribe(commet, await payingCustomer(commet), plan, { skipTrial: true });
    assert.equal(skipped.status, 'active');
    assert.equal(skipped.trialEndsAt, null);
    assertSameInstant(skipped.currentPeriod.end, addMonths(now, 1), 'currentPeriod.end');

    const custom = await subscribe(commet, await payingCustomer(commet), plan, { customTrialDays: 7 });
    assert.equal(custom.status, 'trialing');
    assertSameInstant(custom.trialEndsAt, addDays(now, 7), 'trialEndsAt');
  });

  test('by planCode, for a customer named by its external id', async () => {
    const commet = sandbox();
    const externalId = unique('ext_user');
    const customer = assertSuccess(await commet.customers.create({ id: externalId, email: `${externalId}@example.com` }));
    await attachCard(externalId);
    const plan = await newPlan(commet, { price: 1500, interval: 'yearly' });
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: externalId, planCode: plan.code, billingInterval: 'yearly' }));
    assertSubscription(sub);
    assert.equal(sub.customerId, customer.id, 'customerId is our cus_ id');
    assert.equal(sub.status, 'active');
    assert.equal(sub.billingInterval, 'yearly');
  });

  test('a second live subscription → 409 already_has_active_subscription (pending_payment counts)', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet, { price: 2900 });
    const other = await newPlan(commet, { price: 9900 });
    const customer = await payingCustomer(commet);
    await subscribe(commet, customer, plan);
    await expectApiError(commet.subscriptions.create({ customerId: customer.id, planId: other.id }),
      { status: 409, code: 'already_has_active_subscription' });

    const pendingCustomer = await newCustomer(commet);
    await subscribe(commet, pendingCustomer, plan);
    await expectApiError(commet.subscriptions.create({ customerId: pendingCustomer.id, planId: other.id }),
      { status: 409, code: 'already_has_active_subscription' });
  });

  test('validation and unknown references', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet, { price: 2900 });
    const customer = await newCustomer(commet);
    await expectValidationError(commet.subscriptions.create({ planId: plan.id }), 'customerId');
    await expectValidationError(commet.subscriptions.create({ customerId: customer.id }), /^plan(Id|Code)$/);
    await expectValidationError(commet.subscriptions.create({ customerId: customer.id, planId: plan.id, billingInterval: 'daily' }), 'billingInterval');
    await expectApiError(commet.subscriptions.create({ customerId: 'cus_doesnotexist', planId: plan.id }), { status: 404, code: 'customer_not_found' });
    await expectApiError(commet.subscriptions.create({ customerId: customer.id, planId: 'plan_doesnotexist' }), { status: 404, code: 'plan_not_found' });
    assert.equal(assertSuccess(await commet.subscriptions.getActive({ customerId: customer.id })), null, 'nothing was created');
  });
});

describe('subscriptions.get / getActive / list', () => {
  test('get: unknown id → 404 subscription_not_found; live mode does not see sandbox subscriptions', async () => {
    const commet = sandbox();
    await expectApiError(commet.subscriptions.get({ id: 'sub_doesnotexist' }), { status: 404, code: 'subscription_not_found' });
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    await expectApiError(live().subscriptions.get({ id: sub.id }), { status: 404, code: 'subscription_not_found' });
    const fetched = await getSub(commet, sub.id);
    assert.equal(fetched.id, sub.id);
    assert.equal(fetched.status, 'active');
  });

  test('getActive: null when the customer has none, the live subscription otherwise, null again once canceled', async () => {
    const commet = sandbox();
    const customer = await payingCustomer(commet);
    const none = await commet.subscriptions.getActive({ customerId: customer.id });
    assert.equal(none.success, true);
    assert.equal(none.data, null, 'getActive answers data: null when there is no subscription');

    const sub = await subscribe(commet, customer, await newPlan(commet, { price: 2900 }));
    const active = assertSuccess(await commet.subscriptions.getActive({ customerId: customer.id }));
    assertSubscription(active);
    assert.equal(active.id, sub.id);
    // The merchant's own id works as well.
    const externalId = unique('ext');
    const ext = assertSuccess(await commet.customers.create({ id: externalId, email: `${externalId}@example.com` }));
    assert.equal(assertSuccess(await commet.subscriptions.getActive({ customerId: externalId })), null);
    await subscribe(commet, ext, await newPlan(commet, { free: true }));
    assert.equal(assertSuccess(await commet.subscriptions.getActive({ customerId: externalId })).customerId, ext.id);

    await commet.subscriptions.cancel({ id: sub.id, immediate: true });
    assert.equal(assertSuccess(await commet.subscriptions.getActive({ customerId: customer.id })), null);
    await expectApiError(commet.subscriptions.getActive({ customerId: 'cus_doesnotexist' }), { status: 404, code: 'customer_not_found' });
  });

  test('list: every subscription typed; filter by customerId and by status', async () => {
    const commet = sandbox();
    const plan = await newPlan(commet, { price: 2900 });
    const activeCustomer = await payingCustomer(commet);
    const active = await subscribe(commet, activeCustomer, plan);
    const pendingCustomer = await newCustomer(commet);
    const pending = await subscribe(commet, pendingCustomer, plan);

    const res = await commet.subscriptions.list();
    const page = assertList(res);
    for (const s of page) assertSubscription(s);
    assert.equal(typeof res.hasMore, 'boolean');

    const mine = assertList(await commet.subscriptions.list({ customerId: activeCustomer.id }));
    assert.deepEqual(mine.map((s) => s.id), [active.id]);
    const byExternal = assertList(await commet.subscriptions.list({ customerId: pendingCustomer.id }));
    assert.deepEqual(byExternal.map((s) => s.id), [pending.id]);

    const pendings = await listAll((p) => commet.subscriptions.list(p), { status: 'pending_payment' });
    assert.ok(pendings.length >= 1);
    for (const s of pendings) assert.equal(s.status, 'pending_payment');
    assert.ok(pendings.some((s) => s.id === pending.id));
    assert.ok(!pendings.some((s) => s.id === active.id));

    const actives = await listAll((p) => commet.subscriptions.list(p), { status: 'active' });
    for (const s of actives) assert.equal(s.status, 'active');
    assert.ok(actives.some((s) => s.id === active.id));

    assert.deepEqual(assertList(await commet.subscriptions.list({ customerId: activeCustomer.id, status: 'pending_payment' })), []);
  });
});

describe('cancel / uncancel', () => {
  test('cancel at period end: cancelAtPeriodEnd, the reason, the date it takes effect; uncancel undoes it', async () => {
    const commet = sandbox();
    const now = await clockNow(commet);
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    const end = sub.currentPeriod.end;

    const canceled = assertSuccess(await commet.subscriptions.cancel({ id: sub.id, reason: 'too_expensive' }));
    assertCanceledSubscription(canceled);
    assert.equal(canceled.id, sub.id);
    assert.equal(canceled.customerId, sub.customerId);
    assert.equal(canceled.status, 'active', 'it stays active until the period ends');
    assert.equal(canceled.cancelReason, 'too_expensive');
    assertSameInstant(canceled.scheduledCancellationDate, end, 'scheduledCancellationDate is the period end');
    assertSameInstant(canceled.canceledAt, now, 'canceledAt is when it was asked');

    const scheduled = await getSub(commet, sub.id);
    assert.equal(scheduled.status, 'active');
    assert.equal(scheduled.cancelAtPeriodEnd, true);
    assert.ok(scheduled.cancellation, 'cancellation is set');
    assert.equal(scheduled.cancellation.reason, 'too_expensive');
    assertSameInstant(scheduled.cancellation.effectiveAt, end, 'cancellation.effectiveAt');
    assertSameInstant(scheduled.cancellation.scheduledAt, now, 'cancellation.scheduledAt');

    const uncanceled = assertSuccess(await commet.subscriptions.uncancel({ id: sub.id }));
    assertUncanceledSubscription(uncanceled);
    assert.equal(uncanceled.id, sub.id);
    assert.equal(uncanceled.customerId, sub.customerId);
    assert.equal(uncanceled.status, 'active');
    const back = await getSub(commet, sub.id);
    assert.equal(back.cancelAtPeriodEnd, false);
    assert.equal(back.cancellation, null);
    assertSameInstant(back.nextBillingDate, end, 'the renewal is back on');

    const err = await expectRefused(commet.subscriptions.uncancel({ id: sub.id }), { codes: ['not_scheduled_for_cancellation'] });
    assert.ok(err instanceof CommetAPIError);
  });

  test('cancel immediately: canceled now; uncancel is refused; canceling again is refused', async () => {
    const commet = sandbox();
    const now = await clockNow(commet);
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    const canceled = assertSuccess(await commet.subscriptions.cancel({ id: sub.id, immediate: true, reason: 'unused' }));
    assertCanceledSubscription(canceled);
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.cancelReason, 'unused');
    assertSameInstant(canceled.canceledAt, now, 'canceledAt');
    assertSameInstant(canceled.scheduledCancellationDate, now, 'an immediate cancellation takes effect now');

    const got = await getSub(commet, sub.id);
    assert.equal(got.status, 'canceled');
    assert.equal(got.cancelAtPeriodEnd, false);
    assertSameInstant(got.endDate, now, 'endDate');
    assert.equal(got.nextBillingDate, null);

    await expectRefused(commet.subscriptions.uncancel({ id: sub.id }), { codes: ['not_scheduled_for_cancellation'] });
    await expectRefused(commet.subscriptions.cancel({ id: sub.id }));
  });

  test('a pending_payment subscription is canceled at once (nothing was paid for)', async () => {
    const commet = sandbox();
    const sub = await subscribe(commet, await newCustomer(commet), await newPlan(commet, { price: 2900 }));
    assert.equal(sub.status, 'pending_payment');
    const canceled = assertSuccess(await commet.subscriptions.cancel({ id: sub.id }));
    assert.equal(canceled.status, 'canceled');
  });

  test('unknown subscription → 404 subscription_not_found', async () => {
    const commet = sandbox();
    await expectApiError(commet.subscriptions.cancel({ id: 'sub_doesnotexist' }), { status: 404, code: 'subscription_not_found' });
    await expectApiError(commet.subscriptions.uncancel({ id: 'sub_doesnotexist' }), { status: 404, code: 'subscription_not_found' });
  });
});

describe('changePlan / previewChange', () => {
  test('upgrade $29 → $99 after 10 of 30 days: credit 1933, charge 9900, total 7967, in the preview and the change', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const customer = await payingCustomer(commet);
    const basic = await newPlan(commet, { price: 2900, name: 'Basic' });
    const pro = await newPlan(commet, { price: 9900, name: 'Pro' });
    await newGroup(commet, [basic, pro]);
    const sub = await subscribe(commet, customer, basic);
    assertSameInstant(sub.currentPeriod.end, addDays(start, 30), 'a 30-day period');

    const changeAt = await advanceDays(commet, 10);
    const preview = assertSuccess(await commet.subscriptions.previewChange({ id: sub.id, planId: pro.id }));
    assertPreviewChange(preview);
    assert.equal(preview.currency.toUpperCase(), 'USD');
    assert.equal(preview.daysRemaining, 20);
    assert.equal(preview.totalDays, 30);
    assert.equal(preview.currentPlanCredit, 1933, 'round(2900 × 20 / 30)');
    assert.equal(preview.newPlanCharge, 9900);
    assert.equal(preview.estimatedTotal, 7967);
    assert.equal(preview.isUpgrade, true);
    assertSameInstant(preview.effectiveDate, changeAt, 'effectiveDate is now');

    const change = assertSuccess(await commet.subscriptions.changePlan({ id: sub.id, newPlanId: pro.id }));
    assertPlanChange(change);
    assert.ok(!change.scheduled, 'an upgrade is immediate');
    assert.ok(!change.requiresCheckout);
    assert.ok(change.billing, 'billing is set');
    assert.equal(change.billing.credit, 1933);
    assert.equal(change.billing.charge, 9900);
    assert.equal(change.billing.taxAmount, 0);
    assert.equal(change.billing.netAmount, 7967);
    assert.equal(change.billing.totalCharged, 7967);
    assert.equal(typeof change.invoiceId, 'string');
    assert.equal(change.previousPlan?.id, basic.id);
    assert.equal(change.currentPlan?.id, pro.id);
    assert.equal(change.currentPlan?.price, 9900);
    if (change.id !== undefined) assert.equal(change.id, sub.id);

    const after = await getSub(commet, sub.id);
    assert.equal(after.plan.id, pro.id);
    assert.equal(after.status, 'active');
    if (after.plan.basePrice !== undefined) assert.equal(after.plan.basePrice, 9900);
    assertSameInstant(after.currentPeriod.start, changeAt, 'the period restarts on the change date');
    assertSameInstant(after.currentPeriod.end, addMonths(changeAt, 1), 'currentPeriod.end');

    // Back down to Basic: scheduled for the end of the new period, nothing charged.
    const preview2 = await expectApiError(commet.subscriptions.previewChange({ id: sub.id, planId: basic.id }),
      { status: 400, code: 'plan_change_scheduled' });
    assert.ok(preview2.message.length > 0);
    const down = assertSuccess(await commet.subscriptions.changePlan({ id: sub.id, newPlanId: basic.id }));
    assertPlanChange(down);
    assert.equal(down.scheduled, true);
    assert.equal(down.changeType, 'subscription.plan_downgrade');
    assertSameInstant(down.scheduledFor, addMonths(changeAt, 1), 'scheduledFor is the period end');
    assert.equal(down.newPlanId, basic.id);
    assert.equal(down.newPlanName, 'Basic');
    assert.equal(down.billing?.totalCharged ?? 0, 0, 'a downgrade charges nothing');

    const scheduled = await getSub(commet, sub.id);
    assert.equal(scheduled.plan.id, pro.id, 'still on Pro until the period ends');
    assert.ok(scheduled.scheduledPlanChange);
    assert.equal(scheduled.scheduledPlanChange.changeType, 'plan_downgrade');
    assert.equal(scheduled.scheduledPlanChange.newPlanId, basic.id);
    assert.equal(scheduled.scheduledPlanChange.newPlanName, 'Basic');
    assertSameInstant(scheduled.scheduledPlanChange.scheduledFor, addMonths(changeAt, 1), 'scheduledPlanChange.scheduledFor');

    // At the period end the downgrade happens and the new period is billed at Basic's price.
    await advanceDays(commet, Math.round((addMonths(changeAt, 1) - changeAt) / DAY));
    await processBilling(commet);
    const downgraded = await getSub(commet, sub.id);
    assert.equal(downgraded.plan.id, basic.id);
    assert.equal(downgraded.status, 'active');
    assert.equal(downgraded.scheduledPlanChange, null);
    if (downgraded.plan.basePrice !== undefined) assert.equal(downgraded.plan.basePrice, 2900);
    assertSameInstant(downgraded.currentPeriod.start, addMonths(changeAt, 1), 'the new period starts at the old end');
  });

  test('plans of another group (or of none) → 400 plans_not_in_same_group', async () => {
    const commet = sandbox();
    const basic = await newPlan(commet, { price: 2900 });
    const pro = await newPlan(commet, { price: 9900 });
    await newGroup(commet, [basic, pro]);
    const elsewhere = await newPlan(commet, { price: 19900 });
    const otherPro = await newPlan(commet, { price: 4900 });
    await newGroup(commet, [elsewhere, otherPro]);
    const ungrouped = await newPlan(commet, { price: 4900 });
    const sub = await subscribe(commet, await payingCustomer(commet), basic);
    for (const target of [otherPro, ungrouped]) {
      await expectApiError(commet.subscriptions.previewChange({ id: sub.id, planId: target.id }), { status: 400, code: 'plans_not_in_same_group' });
      await expectApiError(commet.subscriptions.changePlan({ id: sub.id, newPlanId: target.id }), { status: 400, code: 'plans_not_in_same_group' });
    }
    assert.equal((await getSub(commet, sub.id)).plan.id, basic.id, 'nothing changed');
  });

  test('free → paid: full price with a card; requiresCheckout with a checkoutUrl without one', async () => {
    const commet = sandbox();
    const free = await newPlan(commet, { free: true, name: 'Free' });
    const paid = await newPlan(commet, { price: 2900, name: 'Starter' });
    await newGroup(commet, [free, paid]);

    const withCard = await subscribe(commet, await payingCustomer(commet), free);
    const change = assertSuccess(await commet.subscriptions.changePlan({ id: withCard.id, newPlanId: paid.id }));
    assertPlanChange(change);
    assert.ok(!change.requiresCheckout);
    assert.equal(change.billing?.credit, 0, 'no credit from a free plan');
    assert.equal(change.billing?.charge, 2900);
    assert.equal(change.billing?.totalCharged, 2900);
    const upgraded = await getSub(commet, withCard.id);
    assert.equal(upgraded.plan.id, paid.id);
    assert.equal(upgraded.status, 'active');
    assert.equal(upgraded.billingInterval, 'monthly');

    const noCard = await subscribe(commet, await newCustomer(commet), free);
    const checkout = assertSuccess(await commet.subscriptions.changePlan({ id: noCard.id, newPlanId: paid.id, successUrl: 'https://merchant.example.com/ok' }));
    assertPlanChange(checkout);
    assert.equal(checkout.requiresCheckout, true);
    assert.match(checkout.checkoutUrl, /^https?:\/\/\S+$/);
    assert.equal((await getSub(commet, noCard.id)).plan.id, free.id, 'nothing changes until the card is given');
  });

  test('unknown subscription or plan', async () => {
    const commet = sandbox();
    await expectApiError(commet.subscriptions.changePlan({ id: 'sub_doesnotexist', newPlanId: 'plan_x' }), { status: 404, code: 'subscription_not_found' });
    await expectApiError(commet.subscriptions.previewChange({ id: 'sub_doesnotexist', planId: 'plan_x' }), { status: 404, code: 'subscription_not_found' });
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    await expectApiError(commet.subscriptions.changePlan({ id: sub.id, newPlanId: 'plan_doesnotexist' }), { status: 404, code: 'plan_not_found' });
  });
});

describe('reactivate', () => {
  test('a canceled subscription: reactivated, active, retryInitiated false, a new period from now', async () => {
    const commet = sandbox();
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    await commet.subscriptions.cancel({ id: sub.id, immediate: true });
    const later = await advanceDays(commet, 3);
    const reactivated = assertSuccess(await commet.subscriptions.reactivate({ id: sub.id }));
    assertReactivatedSubscription(reactivated);
    assert.equal(reactivated.id, sub.id);
    assert.equal(reactivated.retryInitiated, false);
    const got = await getSub(commet, sub.id);
    assert.equal(got.status, 'active');
    assert.equal(got.cancellation, null);
    assert.equal(got.endDate, null);
    assertSameInstant(got.currentPeriod.start, later, 'the period is anchored to the reactivation');
    assertSameInstant(got.currentPeriod.end, addMonths(later, 1), 'currentPeriod.end');
  });

  test('an active subscription cannot be reactivated; unknown → 404', async () => {
    const commet = sandbox();
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    await expectRefused(commet.subscriptions.reactivate({ id: sub.id }));
    await expectApiError(commet.subscriptions.reactivate({ id: 'sub_doesnotexist' }), { status: 404, code: 'subscription_not_found' });
  });
});

describe('past due: recovery link and reactivate', () => {
  test('createRecoveryLink on a healthy subscription → no_outstanding_invoice', async () => {
    const commet = sandbox();
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    await expectRefused(commet.subscriptions.createRecoveryLink({ id: sub.id }), { codes: ['no_outstanding_invoice'] });
    await expectApiError(commet.subscriptions.createRecoveryLink({ id: 'sub_doesnotexist' }), { status: 404, code: 'subscription_not_found' });
  });

  test('a failed renewal: past_due → recovery link → reactivate fails with a recoveryUrl, then succeeds with a good card', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const customer = await payingCustomer(commet);
    const sub = await subscribe(commet, customer, await newPlan(commet, { price: 2900 }));
    assert.equal(sub.status, 'active');
    // A card that attaches fine but fails every later charge becomes the default.
    await attachCard(customer.id, CARD_FAILS_LATER);

    await advanceDays(commet, 30);
    assertSameInstant(sub.currentPeriod.end, addDays(start, 30), 'the renewal is due now');
    await processBilling(commet);
    const pastDue = await getSub(commet, sub.id);
    assert.equal(pastDue.status, 'past_due');

    const link = assertSuccess(await commet.subscriptions.createRecoveryLink({ id: sub.id }));
    assertRecoveryLink(link);
    assert.ok(link.url.includes(link.token), 'the url carries the token');
    const link2 = assertSuccess(await commet.subscriptions.createRecoveryLink({ id: sub.id }));
    assertRecoveryLink(link2);

    // Purchases are blocked while past_due.
    const addonFeature = await newFeature(commet, 'boolean');
    const addon = assertSuccess(await commet.addons.create({ name: unique('Blocked'), basePrice: 500, featureId: addonFeature.id, consumptionModel: 'boolean' }));
    await expectRefused(commet.subscriptions.activateAddon({ id: sub.id, addonId: addon.id }));

    // reactivate retries the outstanding charge: the card still fails → an error carrying a recoveryUrl.
    const failed = await expectApiError(commet.subscriptions.reactivate({ id: sub.id }));
    assert.ok([402, 422].includes(failed.statusCode), `a declined retry answers 402, got ${failed.statusCode}`);
    assert.equal(typeof failed.details?.recoveryUrl, 'string', `details.recoveryUrl: ${JSON.stringify(failed.details)}`);
    assert.equal((await getSub(commet, sub.id)).status, 'past_due');

    await attachCard(customer.id, CARD_OK);
    const recovered = assertSuccess(await commet.subscriptions.reactivate({ id: sub.id }));
    assertReactivatedSubscription(recovered);
    assert.equal(recovered.retryInitiated, true, 'a past_due subscription retries its charge');
    const active = await getSub(commet, sub.id);
    assert.equal(active.status, 'active');
    await expectRefused(commet.subscriptions.createRecoveryLink({ id: sub.id }), { codes: ['no_outstanding_invoice'] });
  });
});

describe('updatePaymentMethod', () => {
  test('a hosted checkoutUrl to replace the card', async () => {
    const commet = sandbox();
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    const checkout = assertSuccess(await commet.subscriptions.updatePaymentMethod({ id: sub.id }));
    assertPaymentMethodUpdateCheckout(checkout);
    const withReturn = assertSuccess(await commet.subscriptions.updatePaymentMethod({ id: sub.id, successUrl: 'https://merchant.example.com/billing' }));
    assertPaymentMethodUpdateCheckout(withReturn);
    assert.notEqual(withReturn.checkoutUrl, checkout.checkoutUrl, 'each call opens its own session');
    await expectValidationError(commet.subscriptions.updatePaymentMethod({ id: sub.id, successUrl: 'javascript:alert(1)' }), 'successUrl');
    await expectApiError(commet.subscriptions.updatePaymentMethod({ id: 'sub_doesnotexist' }), { status: 404, code: 'subscription_not_found' });
  });
});

describe('add-ons on a subscription', () => {
  test('activateAddon charges round(1000 × 20 / 30) = 667 after 10 of 30 days; deactivateAddon', async () => {
    const commet = sandbox();
    await freezeAtNextThirtyDayMonth(commet);
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    const feature = await newFeature(commet, 'boolean');
    const addon = assertSuccess(await commet.addons.create({ name: unique('Priority'), basePrice: 1000, featureId: feature.id, consumptionModel: 'boolean' }));
    const at = await advanceDays(commet, 10);

    const activated = assertSuccess(await commet.subscriptions.activateAddon({ id: sub.id, addonId: addon.id }));
    assertSubscriptionAddon(activated);
    assert.equal(activated.addonId, addon.id);
    assert.equal(activated.proratedCharge, 667);
    await expectRefused(commet.subscriptions.activateAddon({ id: sub.id, addonId: addon.id }), { codes: ['addon_already_active'] });

    const active = assertList(await commet.addons.listActive({ customerId: sub.customerId }));
    assert.ok(active.some((a) => a.slug === addon.slug), `listActive shows the add-on: ${JSON.stringify(active)}`);
    active.forEach((a, i) => assertActiveAddon(a, false, `active[${i}]`));

    const deactivated = assertSuccess(await commet.subscriptions.deactivateAddon({ id: sub.id, addonId: addon.id }));
    assertDeletedSubscriptionAddon(deactivated);
    assertSameInstant(deactivated.deactivatedAt, at, 'deactivatedAt');
    await expectRefused(commet.subscriptions.deactivateAddon({ id: sub.id, addonId: addon.id }));
    assert.ok(!assertList(await commet.addons.listActive({ customerId: sub.customerId })).some((a) => a.slug === addon.slug));
  });

  test('unknown add-on → 404 addon_not_found; unknown subscription → 404', async () => {
    const commet = sandbox();
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    await expectApiError(commet.subscriptions.activateAddon({ id: sub.id, addonId: 'adn_doesnotexist' }), { status: 404, code: 'addon_not_found' });
    await expectApiError(commet.subscriptions.activateAddon({ id: 'sub_doesnotexist', addonId: 'adn_x' }), { status: 404, code: 'subscription_not_found' });
    await expectApiError(commet.subscriptions.deactivateAddon({ id: 'sub_doesnotexist', addonId: 'adn_x' }), { status: 404, code: 'subscription_not_found' });
  });
});

describe('the clock moves subscriptions on', () => {
  test('a trial with a card converts to active at trialEndsAt; without a card it ends canceled', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const plan = await newPlan(commet, { price: 2900, priceOptions: { trialDays: 14 } });
    const withCard = await subscribe(commet, await payingCustomer(commet), plan);
    const withoutCard = await subscribe(commet, await newCustomer(commet), plan);
    await advanceDays(commet, 14);
    await processBilling(commet);
    const converted = await getSub(commet, withCard.id);
    assert.equal(converted.status, 'active');
    assertSameInstant(converted.currentPeriod.start, addDays(start, 14), 'the first period starts when the trial ends');
    assertSameInstant(converted.currentPeriod.end, addMonths(addDays(start, 14), 1), 'currentPeriod.end');
    assert.equal((await getSub(commet, withoutCard.id)).status, 'canceled');
  });

  test('a cancellation at period end takes effect when the period ends', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const sub = await subscribe(commet, await payingCustomer(commet), await newPlan(commet, { price: 2900 }));
    await commet.subscriptions.cancel({ id: sub.id });
    await advanceDays(commet, 29);
    await processBilling(commet);
    assert.equal((await getSub(commet, sub.id)).status, 'active', 'still active on the last day');
    await advanceDays(commet, 1);
    await processBilling(commet);
    const ended = await getSub(commet, sub.id);
    assert.equal(ended.status, 'canceled');
    assertSameInstant(ended.endDate, addDays(start, 30), 'endDate is the period end');
    assert.equal(assertSuccess(await commet.subscriptions.getActive({ customerId: sub.customerId })), null);
  });
});
