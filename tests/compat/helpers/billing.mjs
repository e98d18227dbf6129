// Building blocks for the billing tests: catalog, customers, test cards and the sandbox test clock, all through the
// SDK except the sandbox card helper (our addition, docs/product.md §3.6), which the SDK does not have.
import assert from 'node:assert/strict';
import { api } from './sdk.mjs';
import { assertSuccess, unique } from './assertions.mjs';

export const CARD_OK = '4242424242424242';
export const CARD_DECLINED = '4000000000000002';
export const CARD_FAILS_LATER = '4000000000000341';

const DAY = 24 * 60 * 60 * 1000;

/** A lower-case unique code for features and plans. */
export const code = (prefix = 'c') => unique(prefix).toLowerCase();

export async function newCustomer(commet, extra = {}) {
  const email = `${unique('buyer')}@example.com`;
  return assertSuccess(await commet.customers.create({ email, fullName: 'Test Buyer', ...extra }));
}

export async function newFeature(commet, type = 'boolean', extra = {}) {
  const c = code(`f_${type}`);
  return assertSuccess(await commet.features.create({ name: `Feature ${c}`, code: c, type, ...extra }));
}

/**
 * A plan with one price (`price` in cents, `interval` monthly by default) or a free plan (`free: true`).
 * `priceOptions` go to plans.addPrice (trialDays, includedCredits, includedBalance…), the rest to plans.create.
 */
export async function newPlan(commet, { price = 2900, interval = 'monthly', free = false, priceOptions = {}, name, ...extra } = {}) {
  const c = code('plan');
  const plan = assertSuccess(await commet.plans.create({
    name: name ?? `Plan ${c}`, code: c, consumptionModel: 'metered', ...(free ? { isFree: true } : {}), ...extra,
  }));
  if (!free) {
    assertSuccess(await commet.plans.addPrice({ id: plan.id, billingInterval: interval, price, ...priceOptions }));
  }
  return plan;
}

/** A plan group holding `plans` in the given order (sortOrder 1, 2, …). */
export async function newGroup(commet, plans) {
  const group = assertSuccess(await commet.planGroups.create({ name: unique('Tiers') }));
  for (const [i, plan] of plans.entries()) {
    assertSuccess(await commet.planGroups.addPlan({ id: group.id, planId: plan.id, sortOrder: i + 1 }));
  }
  return group;
}

/**
 * Attaches a test card as the customer's default payment method through the sandbox helper
 * `POST /api/v1/sandbox/payment-methods` (not in the SDK). Answers the payment method.
 */
export async function attachCard(customerId, cardNumber = CARD_OK) {
  const res = await api('/api/v1/sandbox/payment-methods', { method: 'POST', body: { customerId, cardNumber } });
  assert.ok(res.status === 200 || res.status === 201, `attaching ${cardNumber.slice(-4)} answered ${res.status}: ${res.text}`);
  assert.equal(res.json?.success, true, `attach card: ${res.text}`);
  const pm = res.json.data;
  assert.equal(pm.last4, cardNumber.slice(-4), 'payment method last4');
  return pm;
}

/** A customer with a 4242 card on file. */
export async function payingCustomer(commet, card = CARD_OK) {
  const customer = await newCustomer(commet);
  await attachCard(customer.id, card);
  return customer;
}

// ---- The test clock -----------------------------------------------------------------------------------------

/** The clock's current instant as a Date (the simulated time when set, else the server's real time). */
export async function clockNow(commet) {
  const clock = assertSuccess(await commet.testClock.get());
  return new Date(clock.now);
}

/** Freezes the sandbox clock at `when` (a Date or ISO string); it must be later than the clock's current time. */
export async function freezeAt(commet, when) {
  const iso = when instanceof Date ? when.toISOString() : when;
  const clock = assertSuccess(await commet.testClock.advance({ frozenTime: iso }));
  assert.equal(Date.parse(clock.now), Date.parse(iso), 'the clock stands at the frozen time');
  return new Date(clock.now);
}

/** Moves the sandbox clock forward by whole days; answers the new instant. */
export async function advanceDays(commet, days) {
  const before = await clockNow(commet);
  const clock = assertSuccess(await commet.testClock.advance({ advanceDays: days }));
  const now = new Date(clock.now);
  assert.equal(now.getTime() - before.getTime(), days * DAY, `the clock moved ${days} days`);
  return now;
}

const thirtyDayMonths = [3, 5, 8, 10]; // April, June, September, November (0-based months)

/**
 * Freezes the clock at midnight UTC on the 1st of the next 30-day month (April, June, September, November) that
 * is later than the clock's current time, and at least `minDaysAhead` days ahead. The clock only moves forward and
 * is shared by every test of a file, so each test that needs exact proration takes the next such month.
 */
export async function freezeAtNextThirtyDayMonth(commet, minDaysAhead = 1) {
  const now = await clockNow(commet);
  const earliest = now.getTime() + minDaysAhead * DAY;
  let year = now.getUTCFullYear();
  for (;;) {
    for (const m of thirtyDayMonths) {
      const t = Date.UTC(year, m, 1);
      if (t > earliest) return freezeAt(commet, new Date(t));
    }
    year++;
  }
}

/** Runs billing at the clock's time and answers the counts. */
export async function processBilling(commet) {
  return assertSuccess(await commet.testClock.processBilling());
}

export function addDays(date, days) {
  return new Date(new Date(date).getTime() + days * DAY);
}

export function iso(date) {
  return new Date(date).toISOString();
}

/** Compares two ISO instants as instants (the server may or may not print milliseconds). */
export function assertSameInstant(actual, expected, label) {
  assert.equal(Date.parse(actual), Date.parse(expected instanceof Date ? expected.toISOString() : expected),
    `${label}: expected ${expected instanceof Date ? expected.toISOString() : expected}, got ${actual}`);
}

/** `date` plus `months` calendar months, with the day clamped to the target month's last day (as billing periods do). */
export function addMonths(date, months) {
  const d = new Date(date);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
}
