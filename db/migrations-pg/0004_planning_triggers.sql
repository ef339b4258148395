-- Incremental planning (issue 14): the triggers of db/migrations 0016, by the same names. Each function
-- moves the state_version of the debtor a row belongs to (for settings, of every debtor of the creditor).
CREATE FUNCTION replan_debtor_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE id = NEW.debtor_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE id = OLD.debtor_id;
  ELSE
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (NEW.debtor_id, OLD.debtor_id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION replan_debtor_via_invoice_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM invoices WHERE id = NEW.invoice_id);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM invoices WHERE id = OLD.invoice_id);
  ELSE
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM invoices WHERE id IN (NEW.invoice_id, OLD.invoice_id));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION replan_debtor_via_message_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM outbound_messages WHERE id = NEW.message_id);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM outbound_messages WHERE id = OLD.message_id);
  ELSE
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM outbound_messages WHERE id IN (NEW.message_id, OLD.message_id));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION replan_debtor_via_plan_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id = NEW.plan_id);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id = OLD.plan_id);
  ELSE
    UPDATE debtors SET state_version = state_version + 1 WHERE id IN (SELECT debtor_id FROM installment_plans WHERE id IN (NEW.plan_id, OLD.plan_id));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION replan_creditor_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id = NEW.creditor_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id = OLD.creditor_id;
  ELSE
    UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (NEW.creditor_id, OLD.creditor_id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION replan_creditor_via_policy_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (SELECT creditor_id FROM cadence_policies WHERE id = NEW.policy_id);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (SELECT creditor_id FROM cadence_policies WHERE id = OLD.policy_id);
  ELSE
    UPDATE debtors SET state_version = state_version + 1 WHERE creditor_id IN (SELECT creditor_id FROM cadence_policies WHERE id IN (NEW.policy_id, OLD.policy_id));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER invoices_replans_insert AFTER INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER invoices_replans_update AFTER UPDATE OF debtor_id, number, due_date, balance_cents, payment_terms_days, status, paid_at ON invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER invoices_replans_delete AFTER DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER payments_replans_insert AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_invoice_id();
--> statement-breakpoint
CREATE TRIGGER payments_replans_update AFTER UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_invoice_id();
--> statement-breakpoint
CREATE TRIGGER payments_replans_delete AFTER DELETE ON payments FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_invoice_id();
--> statement-breakpoint
CREATE TRIGGER outbound_messages_replans_insert AFTER INSERT ON outbound_messages FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER outbound_messages_replans_update AFTER UPDATE OF debtor_id, key, step, channel, status, planned_for ON outbound_messages FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER outbound_messages_replans_delete AFTER DELETE ON outbound_messages FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER outbound_message_invoices_replans_insert AFTER INSERT ON outbound_message_invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_message_id();
--> statement-breakpoint
CREATE TRIGGER outbound_message_invoices_replans_update AFTER UPDATE ON outbound_message_invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_message_id();
--> statement-breakpoint
CREATE TRIGGER outbound_message_invoices_replans_delete AFTER DELETE ON outbound_message_invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_message_id();
--> statement-breakpoint
CREATE TRIGGER letters_replans_insert AFTER INSERT ON letters FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER letters_replans_update AFTER UPDATE ON letters FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER letters_replans_delete AFTER DELETE ON letters FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER promises_replans_insert AFTER INSERT ON promises FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER promises_replans_update AFTER UPDATE ON promises FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER promises_replans_delete AFTER DELETE ON promises FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER disputes_replans_insert AFTER INSERT ON disputes FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER disputes_replans_update AFTER UPDATE ON disputes FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER disputes_replans_delete AFTER DELETE ON disputes FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER installment_plans_replans_insert AFTER INSERT ON installment_plans FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER installment_plans_replans_update AFTER UPDATE ON installment_plans FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER installment_plans_replans_delete AFTER DELETE ON installment_plans FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER installment_plan_invoices_replans_insert AFTER INSERT ON installment_plan_invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_plan_id();
--> statement-breakpoint
CREATE TRIGGER installment_plan_invoices_replans_update AFTER UPDATE ON installment_plan_invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_plan_id();
--> statement-breakpoint
CREATE TRIGGER installment_plan_invoices_replans_delete AFTER DELETE ON installment_plan_invoices FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_plan_id();
--> statement-breakpoint
CREATE TRIGGER installments_replans_insert AFTER INSERT ON installments FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_plan_id();
--> statement-breakpoint
CREATE TRIGGER installments_replans_update AFTER UPDATE ON installments FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_plan_id();
--> statement-breakpoint
CREATE TRIGGER installments_replans_delete AFTER DELETE ON installments FOR EACH ROW EXECUTE FUNCTION replan_debtor_via_plan_id();
--> statement-breakpoint
CREATE TRIGGER cadence_pauses_replans_insert AFTER INSERT ON cadence_pauses FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER cadence_pauses_replans_update AFTER UPDATE ON cadence_pauses FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER cadence_pauses_replans_delete AFTER DELETE ON cadence_pauses FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER debtor_contacts_replans_insert AFTER INSERT ON debtor_contacts FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER debtor_contacts_replans_update AFTER UPDATE ON debtor_contacts FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER debtor_contacts_replans_delete AFTER DELETE ON debtor_contacts FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER timeline_events_replans_insert AFTER INSERT ON timeline_events FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER timeline_events_replans_update AFTER UPDATE ON timeline_events FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER timeline_events_replans_delete AFTER DELETE ON timeline_events FOR EACH ROW EXECUTE FUNCTION replan_debtor_of_row();
--> statement-breakpoint
CREATE TRIGGER cadence_policies_replans_insert AFTER INSERT ON cadence_policies FOR EACH ROW EXECUTE FUNCTION replan_creditor_of_row();
--> statement-breakpoint
CREATE TRIGGER cadence_policies_replans_update AFTER UPDATE ON cadence_policies FOR EACH ROW EXECUTE FUNCTION replan_creditor_of_row();
--> statement-breakpoint
CREATE TRIGGER cadence_policies_replans_delete AFTER DELETE ON cadence_policies FOR EACH ROW EXECUTE FUNCTION replan_creditor_of_row();
--> statement-breakpoint
CREATE TRIGGER cadence_steps_replans_insert AFTER INSERT ON cadence_steps FOR EACH ROW EXECUTE FUNCTION replan_creditor_via_policy_id();
--> statement-breakpoint
CREATE TRIGGER cadence_steps_replans_update AFTER UPDATE ON cadence_steps FOR EACH ROW EXECUTE FUNCTION replan_creditor_via_policy_id();
--> statement-breakpoint
CREATE TRIGGER cadence_steps_replans_delete AFTER DELETE ON cadence_steps FOR EACH ROW EXECUTE FUNCTION replan_creditor_via_policy_id();
--> statement-breakpoint
CREATE TRIGGER contact_window_settings_replans_insert AFTER INSERT ON contact_window_settings FOR EACH ROW EXECUTE FUNCTION replan_creditor_of_row();
--> statement-breakpoint
CREATE TRIGGER contact_window_settings_replans_update AFTER UPDATE ON contact_window_settings FOR EACH ROW EXECUTE FUNCTION replan_creditor_of_row();
--> statement-breakpoint
CREATE TRIGGER contact_window_settings_replans_delete AFTER DELETE ON contact_window_settings FOR EACH ROW EXECUTE FUNCTION replan_creditor_of_row();
--> statement-breakpoint
-- The debtor's own row: the version moves in the same write.
CREATE FUNCTION replan_debtor_itself() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.state_version := OLD.state_version + 1;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER debtors_replans_update BEFORE UPDATE OF creditor_id, kind, address_line, postal_code, city, country, locale, time_zone, segment, preferred_channel, broken_promise_count, escalated_at ON debtors FOR EACH ROW EXECUTE FUNCTION replan_debtor_itself();
