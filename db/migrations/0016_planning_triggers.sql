-- Incremental planning (issue 14): whatever the cadence reads about a debtor moves its state_version,
-- so a pass re-decides only debtors whose version moved or whose next decision came (debtors.next_decision_at).
-- One trigger per table the state loader reads and per kind of write; test/integration/incremental-planning.test.ts
-- derives those tables from the loader's own SQL and fails when one lacks its triggers. Settings move every
-- debtor of their creditor. The same triggers, by name, on PostgreSQL (db/migrations-pg 0004).
CREATE TRIGGER invoices_replans_insert AFTER INSERT ON invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER invoices_replans_update AFTER UPDATE OF debtor_id, number, due_date, balance_cents, payment_terms_days, status, paid_at ON invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER invoices_replans_delete AFTER DELETE ON invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER payments_replans_insert AFTER INSERT ON payments BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id); END;
--> statement-breakpoint
CREATE TRIGGER payments_replans_update AFTER UPDATE ON payments BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM invoices WHERE id IN (NEW.invoice_id, OLD.invoice_id)); END;
--> statement-breakpoint
CREATE TRIGGER payments_replans_delete AFTER DELETE ON payments BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM invoices WHERE id = OLD.invoice_id); END;
--> statement-breakpoint
CREATE TRIGGER outbound_messages_replans_insert AFTER INSERT ON outbound_messages BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER outbound_messages_replans_update AFTER UPDATE OF debtor_id, key, step, channel, status, planned_for ON outbound_messages BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER outbound_messages_replans_delete AFTER DELETE ON outbound_messages BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER outbound_message_invoices_replans_insert AFTER INSERT ON outbound_message_invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM outbound_messages WHERE id = NEW.message_id); END;
--> statement-breakpoint
CREATE TRIGGER outbound_message_invoices_replans_update AFTER UPDATE ON outbound_message_invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM outbound_messages WHERE id IN (NEW.message_id, OLD.message_id)); END;
--> statement-breakpoint
CREATE TRIGGER outbound_message_invoices_replans_delete AFTER DELETE ON outbound_message_invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM outbound_messages WHERE id = OLD.message_id); END;
--> statement-breakpoint
CREATE TRIGGER letters_replans_insert AFTER INSERT ON letters BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER letters_replans_update AFTER UPDATE ON letters BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER letters_replans_delete AFTER DELETE ON letters BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER promises_replans_insert AFTER INSERT ON promises BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER promises_replans_update AFTER UPDATE ON promises BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER promises_replans_delete AFTER DELETE ON promises BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER disputes_replans_insert AFTER INSERT ON disputes BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER disputes_replans_update AFTER UPDATE ON disputes BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER disputes_replans_delete AFTER DELETE ON disputes BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER installment_plans_replans_insert AFTER INSERT ON installment_plans BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER installment_plans_replans_update AFTER UPDATE ON installment_plans BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER installment_plans_replans_delete AFTER DELETE ON installment_plans BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER installment_plan_invoices_replans_insert AFTER INSERT ON installment_plan_invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id = NEW.plan_id); END;
--> statement-breakpoint
CREATE TRIGGER installment_plan_invoices_replans_update AFTER UPDATE ON installment_plan_invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id IN (NEW.plan_id, OLD.plan_id)); END;
--> statement-breakpoint
CREATE TRIGGER installment_plan_invoices_replans_delete AFTER DELETE ON installment_plan_invoices BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id = OLD.plan_id); END;
--> statement-breakpoint
CREATE TRIGGER installments_replans_insert AFTER INSERT ON installments BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id = NEW.plan_id); END;
--> statement-breakpoint
CREATE TRIGGER installments_replans_update AFTER UPDATE ON installments BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id IN (NEW.plan_id, OLD.plan_id)); END;
--> statement-breakpoint
CREATE TRIGGER installments_replans_delete AFTER DELETE ON installments BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id = OLD.plan_id); END;
--> statement-breakpoint
CREATE TRIGGER cadence_pauses_replans_insert AFTER INSERT ON cadence_pauses BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER cadence_pauses_replans_update AFTER UPDATE ON cadence_pauses BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER cadence_pauses_replans_delete AFTER DELETE ON cadence_pauses BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER debtor_contacts_replans_insert AFTER INSERT ON debtor_contacts BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER debtor_contacts_replans_update AFTER UPDATE ON debtor_contacts BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER debtor_contacts_replans_delete AFTER DELETE ON debtor_contacts BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER timeline_events_replans_insert AFTER INSERT ON timeline_events BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER timeline_events_replans_update AFTER UPDATE ON timeline_events BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id); END;
--> statement-breakpoint
CREATE TRIGGER timeline_events_replans_delete AFTER DELETE ON timeline_events BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id; END;
--> statement-breakpoint
CREATE TRIGGER cadence_policies_replans_insert AFTER INSERT ON cadence_policies BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id = NEW.creditor_id; END;
--> statement-breakpoint
CREATE TRIGGER cadence_policies_replans_update AFTER UPDATE ON cadence_policies BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (NEW.creditor_id, OLD.creditor_id); END;
--> statement-breakpoint
CREATE TRIGGER cadence_policies_replans_delete AFTER DELETE ON cadence_policies BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id = OLD.creditor_id; END;
--> statement-breakpoint
CREATE TRIGGER cadence_steps_replans_insert AFTER INSERT ON cadence_steps BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (SELECT creditor_id FROM cadence_policies WHERE id = NEW.policy_id); END;
--> statement-breakpoint
CREATE TRIGGER cadence_steps_replans_update AFTER UPDATE ON cadence_steps BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (SELECT creditor_id FROM cadence_policies WHERE id IN (NEW.policy_id, OLD.policy_id)); END;
--> statement-breakpoint
CREATE TRIGGER cadence_steps_replans_delete AFTER DELETE ON cadence_steps BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (SELECT creditor_id FROM cadence_policies WHERE id = OLD.policy_id); END;
--> statement-breakpoint
CREATE TRIGGER contact_window_settings_replans_insert AFTER INSERT ON contact_window_settings BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id = NEW.creditor_id; END;
--> statement-breakpoint
CREATE TRIGGER contact_window_settings_replans_update AFTER UPDATE ON contact_window_settings BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (NEW.creditor_id, OLD.creditor_id); END;
--> statement-breakpoint
CREATE TRIGGER contact_window_settings_replans_delete AFTER DELETE ON contact_window_settings BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id = OLD.creditor_id; END;
--> statement-breakpoint
CREATE TRIGGER debtors_replans_update AFTER UPDATE OF creditor_id, kind, address_line, postal_code, city, country, locale, time_zone, segment, preferred_channel, broken_promise_count, escalated_at ON debtors BEGIN UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.id; END;
