-- The timeline is evidence (L13): rows are added, never changed or removed.
CREATE TRIGGER timeline_events_no_update BEFORE UPDATE ON timeline_events
BEGIN
  SELECT RAISE(ABORT, 'timeline_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER timeline_events_no_delete BEFORE DELETE ON timeline_events
BEGIN
  SELECT RAISE(ABORT, 'timeline_events is append-only');
END;
