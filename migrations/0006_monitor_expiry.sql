-- Monitor expiry (DESIGN §8): the monitors projection keeps each definition's expiresAt and the
-- highest version a monitor_expired event was recorded for, so the cron's expiry scan finds the
-- monitors past expiresAt whose event is not yet recorded through one partial index.
-- The columns come last, in the order shared/src/projections/schema.ts declares them, so a table
-- a rebuild creates from that file has the same shape as one migrated here.
ALTER TABLE monitors ADD COLUMN expires_at INTEGER;
ALTER TABLE monitors ADD COLUMN expired_version INTEGER NOT NULL DEFAULT 0;
-- Monitors registered with expiresAt before this migration (the body accepted it already).
UPDATE monitors SET expires_at = json_extract(definition, '$.expiresAt') WHERE definition IS NOT NULL;
CREATE INDEX monitors_expiring ON monitors (expires_at) WHERE expires_at IS NOT NULL AND removed = 0 AND expired_version < definition_version;
