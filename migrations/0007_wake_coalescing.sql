-- Coalesced wakes (issue 19): the wakes consumer hands every match pending for one workflow in a
-- batch to its session as ONE wake. `wakes` counts those wakes, `coalesced` the matches that rode
-- in another match's wake (delivered matches = wakes + coalesced, dead letters aside).
ALTER TABLE wake_backlog ADD COLUMN wakes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE wake_backlog ADD COLUMN coalesced INTEGER NOT NULL DEFAULT 0;
