-- GET /v1/monitors pages in monitorId order: with a workflowId or ownerUserId filter, an index on
-- (filter, monitor_id) finds the page's rows where the cursor left off, so a page costs the same
-- at any depth and whatever the table's size. Before, the owner filter scanned every monitor in
-- monitorId order (a full scan for a rare owner), and the workflow filter sorted all of a
-- workflow's monitors, state and fired-once check included, for each page.
-- The same DDL is in shared/src/projections/schema.ts, which a rebuild creates its tables from.
-- DROP by name misses an index a rebuild renamed (monitors_by_workflow__r<id>): that one stays
-- beside the new one until the next rebuild replaces the table, harmless and still correct.
DROP INDEX IF EXISTS monitors_by_workflow;
CREATE INDEX monitors_by_workflow ON monitors (workflow_id, monitor_id);
CREATE INDEX monitors_by_owner ON monitors (owner_user_id, monitor_id);
