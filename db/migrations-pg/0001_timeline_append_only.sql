-- The timeline is append-only evidence (L13), as on SQLite (db/migrations 0001 and 0013): no delete,
-- and no update but one, for GDPR retention: once a debtor is anonymised, its events' data may be cleared.
CREATE FUNCTION timeline_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
    AND NEW.id = OLD.id AND NEW.creditor_id = OLD.creditor_id AND NEW.debtor_id = OLD.debtor_id
    AND NEW.invoice_id IS NOT DISTINCT FROM OLD.invoice_id AND NEW.type = OLD.type AND NEW.actor = OLD.actor
    AND NEW.occurred_at = OLD.occurred_at AND NEW.created_at = OLD.created_at
    AND EXISTS (SELECT 1 FROM debtors WHERE debtors.id = OLD.debtor_id AND debtors.anonymised_at IS NOT NULL)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'timeline_events is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER timeline_events_no_update BEFORE UPDATE ON timeline_events
  FOR EACH ROW EXECUTE FUNCTION timeline_events_append_only();
--> statement-breakpoint
CREATE TRIGGER timeline_events_no_delete BEFORE DELETE ON timeline_events
  FOR EACH ROW EXECUTE FUNCTION timeline_events_append_only();
