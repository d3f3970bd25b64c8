-- monitor_streams: the streams each monitor's definition in force reads (its conditions' and their
-- operands'), so GET /v1/monitors?stream= pages through an index in monitorId order instead of
-- scanning every definition's text. Part of the monitors projection
-- (shared/src/projections/monitor-streams.ts); the same DDL is in shared/src/projections/schema.ts.
--
-- An existing database gains the table empty: monitors registered before this migration appear in
-- the stream filter once a rebuild (POST /v1/admin/projections/rebuild) has run, or when they are
-- next updated. A stream's key is percent-encoded per subject part (shared/src/streams.ts), which
-- SQL cannot reproduce, so the rebuild, not this file, backfills it.
CREATE TABLE monitor_streams (
  monitor_id TEXT NOT NULL,
  stream_key TEXT NOT NULL,
  definition_version INTEGER NOT NULL,
  PRIMARY KEY (monitor_id, stream_key)
);
CREATE INDEX monitor_streams_by_stream ON monitor_streams (stream_key, monitor_id);
