-- pgbench custom script: the PostgreSQL ceiling for single usage events (bench/run-usage.sh).
-- One transaction = one usage_events-like row (same columns and indexes: LIKE usage_events INCLUDING ALL)
-- plus one counter UPDATE, spread over 200 counter rows as the benchmark spreads events over 200 customers.
\set c random(0, 199)
BEGIN;
INSERT INTO ceiling_events ("Id", "OrganizationId", "Livemode", "CustomerId", "SubscriptionId", "FeatureId", "FeatureCode", "Value", "Timestamp", "IdempotencyKey", "Kind", "CreatedAt")
  VALUES ('evt_' || md5(random()::text), 'org_bench', false, 'cus_' || :c, 'sub_' || :c, 'feat_bench', 'bench_calls', 1, now(), md5(random()::text), 'track', now());
UPDATE ceiling_counters SET "Quantity" = "Quantity" + 1, "UpdatedAt" = now() WHERE "SubscriptionId" = 'sub_' || :c AND "FeatureId" = 'feat_bench';
END;
