// planGroups.* of @commet/node 7.10.0 against the server (docs/product.md §3.1): ordered plans that a customer may move
// between; a plan is in at most one group; all plans of a group share one consumption model.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { live, sandbox, useServer } from '../helpers/sdk.mjs';
import {
  assertDeleted, assertList, assertObject, assertShape, assertSuccess, expectApiError, expectRefused,
  expectValidationError, unique,
} from '../helpers/assertions.mjs';
import { assertPlan, assertPlanGroup } from '../helpers/shapes.mjs';

useServer();

const code = (p = 'p') => unique(p).toLowerCase();

async function newPlan(commet, extra = {}) {
  const c = code('plan');
  return assertSuccess(await commet.plans.create({ name: `Plan ${c}`, code: c, consumptionModel: 'metered', ...extra }));
}

async function newGroup(commet, extra = {}) {
  return assertSuccess(await commet.planGroups.create({ name: unique('Group'), ...extra }));
}

/** The ids of the group's plans, in the order the server answers them. */
async function planIdsOf(commet, id) {
  const g = assertSuccess(await commet.planGroups.get({ id }));
  assertPlanGroup(g);
  assert.ok(Array.isArray(g.plans), 'planGroups.get includes plans');
  const orders = g.plans.map((p) => p.sortOrder);
  assert.deepEqual(orders, [...orders].sort((a, b) => a - b), `plans come in sortOrder: ${JSON.stringify(g.plans)}`);
  return g.plans.map((p) => p.id);
}

describe('plan groups', () => {
  test('create answers the group as the SDK types it', async () => {
    const name = unique('Tiers');
    const g = assertSuccess(await sandbox().planGroups.create({ name, description: 'Basic → Pro', isPublic: true }));
    assertPlanGroup(g);
    assert.equal(g.name, name);
    assert.equal(g.description, 'Basic → Pro');
    assert.equal(g.isPublic, true);
    if (g.plans) assert.deepEqual(g.plans, []);
  });

  test('a minimal group is public with no description', async () => {
    const g = assertSuccess(await sandbox().planGroups.create({ name: unique('Min') }));
    assertPlanGroup(g);
    assert.equal(g.description, null);
    assert.equal(g.isPublic, true);
  });

  test('addPlan twice; get answers the plans in sortOrder; plans know their group', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const basic = await newPlan(commet, { name: 'Basic' });
    const pro = await newPlan(commet, { name: 'Pro' });

    // Added in reverse, with explicit sort orders: the order must come from sortOrder, not from insertion.
    const addedPro = assertSuccess(await commet.planGroups.addPlan({ id: group.id, planId: pro.id, sortOrder: 2 }));
    assertObject(addedPro, 'plan_group', false, 'addedPlanToGroup');
    assertShape(addedPro, { success: 'boolean' }, 'addedPlanToGroup', 'AddedPlanToGroup');
    assert.equal(addedPro.success, true);
    assertSuccess(await commet.planGroups.addPlan({ id: group.id, planId: basic.id, sortOrder: 1 }));

    const g = assertSuccess(await commet.planGroups.get({ id: group.id }));
    assertPlanGroup(g);
    assert.deepEqual(g.plans.map((p) => [p.id, p.name]), [[basic.id, 'Basic'], [pro.id, 'Pro']]);
    assert.ok(g.plans[0].sortOrder < g.plans[1].sortOrder);

    for (const p of [basic, pro]) {
      const got = assertSuccess(await commet.plans.get({ id: p.id }));
      assertPlan(got);
      assert.equal(got.planGroupId, group.id);
    }
  });

  test('addPlan without sortOrder appends at the end', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const a = await newPlan(commet);
    const b = await newPlan(commet);
    const c = await newPlan(commet);
    for (const p of [a, b, c]) await commet.planGroups.addPlan({ id: group.id, planId: p.id });
    assert.deepEqual(await planIdsOf(commet, group.id), [a.id, b.id, c.id]);
  });

  test('reorderPlans swaps the order', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const a = await newPlan(commet);
    const b = await newPlan(commet);
    await commet.planGroups.addPlan({ id: group.id, planId: a.id, sortOrder: 1 });
    await commet.planGroups.addPlan({ id: group.id, planId: b.id, sortOrder: 2 });
    assert.deepEqual(await planIdsOf(commet, group.id), [a.id, b.id]);

    const res = assertSuccess(await commet.planGroups.reorderPlans({ id: group.id, planIds: [b.id, a.id] }));
    assertShape(res, { reordered: 'boolean' }, 'reorderedPlans', 'ReorderedPlans');
    assertObject(res, 'plan_group', false, 'reorderedPlans');
    assert.equal(res.reordered, true);
    assert.deepEqual(await planIdsOf(commet, group.id), [b.id, a.id]);

    const pa = assertSuccess(await commet.plans.get({ id: a.id }));
    const pb = assertSuccess(await commet.plans.get({ id: b.id }));
    assert.ok(pb.sortOrder < pa.sortOrder, 'plans.sortOrder follows the group order');
  });

  test('reorderPlans must name every plan of the group, and only those', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const a = await newPlan(commet);
    const b = await newPlan(commet);
    const outsider = await newPlan(commet);
    await commet.planGroups.addPlan({ id: group.id, planId: a.id });
    await commet.planGroups.addPlan({ id: group.id, planId: b.id });
    await expectRefused(commet.planGroups.reorderPlans({ id: group.id, planIds: [b.id] }));
    await expectRefused(commet.planGroups.reorderPlans({ id: group.id, planIds: [b.id, a.id, outsider.id] }));
    await expectRefused(commet.planGroups.reorderPlans({ id: group.id, planIds: [a.id, a.id] }));
    assert.deepEqual(await planIdsOf(commet, group.id), [a.id, b.id], 'a refused reorder changes nothing');
  });

  test('removePlan takes the plan out of the group (the plan stays)', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const a = await newPlan(commet);
    const b = await newPlan(commet);
    await commet.planGroups.addPlan({ id: group.id, planId: a.id });
    await commet.planGroups.addPlan({ id: group.id, planId: b.id });

    const res = assertSuccess(await commet.planGroups.removePlan({ id: group.id, planId: a.id }));
    assertShape(res, { id: 'string', removed: 'boolean' }, 'removedPlanFromGroup', 'RemovedPlanFromGroup');
    assertObject(res, 'plan_group', false, 'removedPlanFromGroup');
    assert.equal(res.removed, true);

    assert.deepEqual(await planIdsOf(commet, group.id), [b.id]);
    const got = assertSuccess(await commet.plans.get({ id: a.id }));
    assert.equal(got.planGroupId, null);
  });

  test('a plan with another consumption model cannot join', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const metered = await newPlan(commet, { consumptionModel: 'metered' });
    const credits = await newPlan(commet, { consumptionModel: 'credits' });
    const balance = await newPlan(commet, { consumptionModel: 'balance' });
    await commet.planGroups.addPlan({ id: group.id, planId: metered.id });
    await expectRefused(commet.planGroups.addPlan({ id: group.id, planId: credits.id }));
    await expectRefused(commet.planGroups.addPlan({ id: group.id, planId: balance.id }));
    assert.deepEqual(await planIdsOf(commet, group.id), [metered.id]);
    assert.equal(assertSuccess(await commet.plans.get({ id: credits.id })).planGroupId, null);
  });

  test('plans.create with planGroupId joins the group', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const first = await newPlan(commet);
    await commet.planGroups.addPlan({ id: group.id, planId: first.id });
    const joined = await newPlan(commet, { planGroupId: group.id });
    assertPlan(joined);
    assert.equal(joined.planGroupId, group.id);
    assert.deepEqual(await planIdsOf(commet, group.id), [first.id, joined.id]);
    await expectRefused(commet.plans.create({ name: 'Wrong model', code: code('wm'), consumptionModel: 'balance', planGroupId: group.id }));
  });

  test('update name, description and visibility', async () => {
    const commet = sandbox();
    const group = await newGroup(commet, { description: 'before' });
    const updated = assertSuccess(await commet.planGroups.update({ id: group.id, name: 'Renamed', isPublic: false }));
    assertPlanGroup(updated);
    assert.equal(updated.id, group.id);
    assert.equal(updated.name, 'Renamed');
    assert.equal(updated.isPublic, false);
    assert.equal(updated.description, 'before');
    const cleared = assertSuccess(await commet.planGroups.update({ id: group.id, description: null }));
    assert.equal(cleared.description, null);
  });

  test('list pages with limit and cursor', async () => {
    const commet = sandbox();
    for (let i = 0; i < 3; i++) await newGroup(commet);
    const first = await commet.planGroups.list({ limit: 2 });
    const page1 = assertList(first);
    for (const g of page1) assertPlanGroup(g);
    assert.equal(page1.length, 2);
    assert.equal(first.hasMore, true);
    assert.equal(typeof first.nextCursor, 'string');
    const page2 = assertList(await commet.planGroups.list({ limit: 2, cursor: first.nextCursor }));
    assert.ok(page2.length >= 1);
    for (const g of page2) assert.ok(!page1.some((x) => x.id === g.id), 'no group on two pages');
  });

  test('delete unlinks the plans (they are not deleted)', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const plan = await newPlan(commet);
    await commet.planGroups.addPlan({ id: group.id, planId: plan.id });
    const deleted = assertSuccess(await commet.planGroups.delete({ id: group.id }));
    assertDeleted(deleted, group.id, 'plan_group', false);
    await expectApiError(commet.planGroups.get({ id: group.id }), { status: 404, code: 'plan_group_not_found' });
    const got = assertSuccess(await commet.plans.get({ id: plan.id }));
    assert.equal(got.planGroupId, null);
  });

  test('errors: missing name, unknown group, unknown plan', async () => {
    const commet = sandbox();
    await expectValidationError(commet.planGroups.create({ description: 'no name' }), 'name');
    const nope = 'plg_00000000000000000000000000';
    await expectApiError(commet.planGroups.get({ id: nope }), { status: 404, code: 'plan_group_not_found' });
    const plan = await newPlan(commet);
    await expectApiError(commet.planGroups.addPlan({ id: nope, planId: plan.id }), { status: 404, code: 'plan_group_not_found' });
    const group = await newGroup(commet);
    await expectApiError(commet.planGroups.addPlan({ id: group.id, planId: 'plan_00000000000000000000000000' }),
      { status: 404, code: 'plan_not_found' });
  });

  test('sandbox and live groups are separate', async () => {
    const group = await newGroup(sandbox());
    await expectApiError(live().planGroups.get({ id: group.id }), { status: 404, code: 'plan_group_not_found' });
    const livePlan = assertSuccess(await live().plans.create({ name: 'Live', code: code('live') }));
    await expectApiError(live().planGroups.addPlan({ id: group.id, planId: livePlan.id }), { status: 404, code: 'plan_group_not_found' });
  });

  test('a plan is in at most one group', async () => {
    const commet = sandbox();
    const first = await newGroup(commet);
    const second = await newGroup(commet);
    const plan = await newPlan(commet);
    await commet.planGroups.addPlan({ id: first.id, planId: plan.id });
    await expectRefused(commet.planGroups.addPlan({ id: second.id, planId: plan.id }));
    assert.deepEqual(await planIdsOf(commet, first.id), [plan.id]);
    assert.deepEqual(await planIdsOf(commet, second.id), []);
    assert.equal(assertSuccess(await commet.plans.get({ id: plan.id })).planGroupId, first.id);
  });

  test('a deleted plan leaves its group', async () => {
    const commet = sandbox();
    const group = await newGroup(commet);
    const stays = await newPlan(commet);
    const goes = await newPlan(commet);
    await commet.planGroups.addPlan({ id: group.id, planId: stays.id });
    await commet.planGroups.addPlan({ id: group.id, planId: goes.id });
    await commet.plans.delete({ id: goes.id });
    assert.deepEqual(await planIdsOf(commet, group.id), [stays.id]);
  });

  test("plans.create with the other mode's group is plan_group_not_found", async () => {
    const group = await newGroup(sandbox());
    await expectApiError(live().plans.create({ name: 'Live', code: code('cross'), planGroupId: group.id }),
      { status: 404, code: 'plan_group_not_found' });
  });
});
