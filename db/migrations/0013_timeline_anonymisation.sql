-- The timeline stays append-only evidence (L13), with one exception for GDPR retention: once a debtor
-- is anonymised, the personal parts of its events' data may be cleared. Nothing else may change.
DROP TRIGGER timeline_events_no_update;
--> statement-breakpoint
CREATE TRIGGER timeline_events_no_update BEFORE UPDATE ON timeline_events
WHEN NOT (
  NEW.id = OLD.id AND NEW.creditor_id = OLD.creditor_id AND NEW.debtor_id = OLD.debtor_id
  AND NEW.invoice_id IS OLD.invoice_id AND NEW.type = OLD.type AND NEW.actor = OLD.actor
  AND NEW.occurred_at = OLD.occurred_at AND NEW.created_at = OLD.created_at
  AND EXISTS (SELECT 1 FROM debtors WHERE debtors.id = OLD.debtor_id AND debtors.anonymised_at IS NOT NULL)
)
BEGIN
  SELECT RAISE(ABORT, 'timeline_events is append-only');
END;
