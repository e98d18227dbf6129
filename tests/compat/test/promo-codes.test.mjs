// promoCodes.* of @commet/node 7.10.0 against the server (docs/promo-codes.md): list (cursor), get, create, update;
// percentage in basis points (below 10000), amount in minor units; durationCycles null = forever.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sandbox, useServer } from '../helpers/sdk.mjs';
import { newCustomer, newPlan } from '../helpers/billing.mjs';
import {
  assertId, assertList, assertObject, assertShape, assertSuccess, expectApiError, expectValidationError, unique,
} from '../helpers/assertions.mjs';

useServer();

/** `PromoCode`. */
function assertPromoCode(p, label = 'promoCode') {
  assertShape(p, {
    id: 'string',
    code: 'string',
    discountType: 'string',
    discountValue: 'integer',
    durationCycles: 'integer|null',
    billingInterval: 'string|null',
    maxRedemptions: 'integer|null',
    expiresAt: 'date|null',
    isActive: 'boolean',
    redemptionCount: 'integer',
    createdAt: 'date',
    updatedAt: 'date',
  }, label, 'PromoCode');
  assertId(p.id, 'promo', `${label}.id`);
  assert.ok(['percentage', 'amount'].includes(p.discountType), `${label}.discountType, got ${p.discountType}`);
  assertObject(p, 'promo_code', false, label);
}

const code = (prefix) => unique(prefix).toUpperCase().replace(/_/g, '-');

describe('promo codes', () => {
  test('create a percentage code for 3 periods, limited to monthly billing and 100 uses', async () => {
    const commet = sandbox();
    const name = code('SPRING');
    const expiresAt = new Date(Date.now() + 30 * 86400_000).toISOString();
    const promo = assertSuccess(await commet.promoCodes.create({
      code: name, discountType: 'percentage', discountValue: 2000, durationCycles: 3,
      billingInterval: 'monthly', maxRedemptions: 100, expiresAt,
    }));
    assertPromoCode(promo);
    assert.equal(promo.code, name);
    assert.equal(promo.discountType, 'percentage');
    assert.equal(promo.discountValue, 2000);
    assert.equal(promo.durationCycles, 3);
    assert.equal(promo.billingInterval, 'monthly');
    assert.equal(promo.maxRedemptions, 100);
    assert.equal(new Date(promo.expiresAt).toISOString(), expiresAt);
    assert.equal(promo.isActive, true);
    assert.equal(promo.redemptionCount, 0);
  });

  test('a lower-case code is stored upper case; an amount code without a duration is forever', async () => {
    const commet = sandbox();
    const name = code('welcome');
    const promo = assertSuccess(await commet.promoCodes.create({ code: name.toLowerCase(), discountType: 'amount', discountValue: 500 }));
    assertPromoCode(promo);
    assert.equal(promo.code, name);
    assert.equal(promo.durationCycles, null);
    assert.equal(promo.billingInterval, null);
    assert.equal(promo.maxRedemptions, null);
    assert.equal(promo.expiresAt, null);
  });

  test('get by id answers the same code; an unknown id is promo_code_not_found', async () => {
    const commet = sandbox();
    const created = assertSuccess(await commet.promoCodes.create({ code: code('GET'), discountType: 'percentage', discountValue: 1000 }));
    const got = assertSuccess(await commet.promoCodes.get({ id: created.id }));
    assertPromoCode(got);
    assert.deepEqual(got, created);
    await expectApiError(commet.promoCodes.get({ id: 'promo_nothing' }), { status: 404, code: 'promo_code_not_found' });
  });

  test('update: deactivate, change the limit and interval, clear the expiry', async () => {
    const commet = sandbox();
    const created = assertSuccess(await commet.promoCodes.create({
      code: code('UPD'), discountType: 'percentage', discountValue: 1500, maxRedemptions: 5,
      expiresAt: new Date(Date.now() + 86400_000).toISOString(),
    }));
    const updated = assertSuccess(await commet.promoCodes.update({
      id: created.id, active: false, maxRedemptions: 10, billingInterval: 'yearly', expiresAt: null,
    }));
    assertPromoCode(updated);
    assert.equal(updated.isActive, false);
    assert.equal(updated.maxRedemptions, 10);
    assert.equal(updated.billingInterval, 'yearly');
    assert.equal(updated.expiresAt, null);
    assert.equal(updated.discountValue, 1500, 'the discount itself does not change');
    const again = assertSuccess(await commet.promoCodes.update({ id: created.id, maxRedemptions: null, billingInterval: null }));
    assert.equal(again.maxRedemptions, null);
    assert.equal(again.billingInterval, null);
    assert.equal(again.isActive, false, 'fields left out stay');
  });

  test('list pages with a cursor, newest first', async () => {
    const commet = sandbox();
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(assertSuccess(await commet.promoCodes.create({ code: code(`LIST${i}`), discountType: 'amount', discountValue: 100 + i })));
    }
    const first = await commet.promoCodes.list({ limit: 2 });
    const page = assertList(first);
    assert.equal(page.length, 2);
    page.forEach((p, i) => assertPromoCode(p, `list[${i}]`));
    assert.equal(first.hasMore, true);
    const second = assertList(await commet.promoCodes.list({ limit: 2, cursor: first.nextCursor }));
    // The three just made are the newest: all within the first two pages, with no code twice and IDs descending.
    const ids = [...page, ...second].map((p) => p.id);
    for (const m of made) assert.ok(ids.includes(m.id), `${m.id} in the first two pages`);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort().reverse(), ids);
  });

  test('validation: 100 % is refused, the type is checked, a duplicate code is a conflict', async () => {
    const commet = sandbox();
    await expectValidationError(commet.promoCodes.create({ code: code('FULL'), discountType: 'percentage', discountValue: 10000 }), 'discountValue');
    await expectValidationError(commet.promoCodes.create({ code: code('TYPE'), discountType: 'free', discountValue: 10 }), 'discountType');
    await expectValidationError(commet.promoCodes.create({ code: 'NO SPACES', discountType: 'amount', discountValue: 10 }), 'code');
    await expectValidationError(commet.promoCodes.create({
      code: code('PAST'), discountType: 'amount', discountValue: 10, expiresAt: '2020-01-01T00:00:00.000Z',
    }), 'expiresAt');
    const name = code('DUP');
    assertSuccess(await commet.promoCodes.create({ code: name, discountType: 'amount', discountValue: 10 }));
    await expectApiError(commet.promoCodes.create({ code: name, discountType: 'amount', discountValue: 20 }), { status: 409, code: 'duplicate' });
  });

  test('subscriptions.create with promoCode: the first invoice carries the discount line', async () => {
    const commet = sandbox();
    const name = code('FIRST');
    assertSuccess(await commet.promoCodes.create({ code: name, discountType: 'percentage', discountValue: 2500, durationCycles: 2 }));
    const plan = await newPlan(commet, { price: 4000 });
    const customer = await newCustomer(commet);
    const created = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id, promoCode: name.toLowerCase() }));
    const sub = assertSuccess(await commet.subscriptions.get({ id: created.id }));
    assert.equal(sub.discount.type, 'percentage');
    assert.equal(sub.discount.value, 2500);
    assert.equal(sub.discount.name, name);
    const invoices = assertList(await commet.invoices.list({ subscriptionId: created.id }));
    assert.equal(invoices.length, 1);
    const invoice = assertSuccess(await commet.invoices.get({ id: invoices[0].id }));
    // $40.00 less 25 % = $10.00 off: 4000 − 1000 = 3000.
    assert.equal(invoice.subtotal, 4000);
    assert.equal(invoice.discountAmount, 1000);
    assert.equal(invoice.total, 3000);
    const line = invoice.lineItems.find((l) => l.lineType === 'discount');
    assert.equal(line.amount, -1000);
    assert.equal(line.discountType, 'percentage');
    assert.equal(line.discountValue, 2500);
    assert.equal(line.discountName, name);
    const after = assertSuccess(await commet.promoCodes.list({ limit: 100 })).find((p) => p.code === name);
    assert.equal(after.redemptionCount, 1);
    const other = await newCustomer(commet);
    await expectApiError(commet.subscriptions.create({ customerId: other.id, planId: plan.id, promoCode: 'NO-SUCH-CODE' }),
      { status: 404, code: 'promo_code_not_found' });
  });
});
