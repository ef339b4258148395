CREATE TABLE `creditors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`legal_name` text NOT NULL,
	`trade_name` text,
	`legal_form` text,
	`siren` text,
	`vat_number` text,
	`address_line` text NOT NULL,
	`postal_code` text NOT NULL,
	`city` text NOT NULL,
	`country` text DEFAULT 'FR' NOT NULL,
	`email` text NOT NULL,
	`phone` text,
	`locale` text DEFAULT 'fr' NOT NULL,
	`time_zone` text DEFAULT 'Europe/Paris' NOT NULL,
	`penalty_rate_mode` text DEFAULT 'ecb_plus_10' NOT NULL,
	`contract_penalty_rate_bp` integer,
	`recovery_indemnity_enabled` integer DEFAULT true NOT NULL,
	`add_penalties_to_amount_due` integer DEFAULT false NOT NULL,
	`allow_partial_payments` integer DEFAULT true NOT NULL,
	`bank_account_holder` text,
	`iban` text,
	`bic` text,
	`sender_name` text,
	`sender_email` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`staff_user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_sessions_user_idx` ON `staff_sessions` (`staff_user_id`);--> statement-breakpoint
CREATE TABLE `staff_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_email_unique` ON `staff_users` (`email`);--> statement-breakpoint
CREATE TABLE `debtor_contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`debtor_id` integer NOT NULL,
	`name` text,
	`role` text,
	`email` text,
	`phone` text,
	`is_primary` integer DEFAULT false NOT NULL,
	`email_opt_out_at` integer,
	`email_undeliverable_at` integer,
	`sms_opt_out_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `debtor_contacts_debtor_idx` ON `debtor_contacts` (`debtor_id`);--> statement-breakpoint
CREATE TABLE `debtors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`external_ref` text,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`siren` text,
	`address_line` text,
	`postal_code` text,
	`city` text,
	`country` text DEFAULT 'FR' NOT NULL,
	`locale` text DEFAULT 'fr' NOT NULL,
	`time_zone` text DEFAULT 'Europe/Paris' NOT NULL,
	`segment` text DEFAULT 'standard' NOT NULL,
	`preferred_channel` text,
	`broken_promise_count` integer DEFAULT 0 NOT NULL,
	`escalated_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `debtors_creditor_external_ref_unique` ON `debtors` (`creditor_id`,`external_ref`);--> statement-breakpoint
CREATE INDEX `debtors_creditor_idx` ON `debtors` (`creditor_id`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`debtor_id` integer NOT NULL,
	`number` text NOT NULL,
	`external_ref` text,
	`currency` text DEFAULT 'EUR' NOT NULL,
	`amount_cents` integer NOT NULL,
	`balance_cents` integer NOT NULL,
	`issue_date` text NOT NULL,
	`due_date` text NOT NULL,
	`payment_terms_days` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`pdf_path` text,
	`paid_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_creditor_number_unique` ON `invoices` (`creditor_id`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_creditor_external_ref_unique` ON `invoices` (`creditor_id`,`external_ref`);--> statement-breakpoint
CREATE INDEX `invoices_debtor_idx` ON `invoices` (`debtor_id`);--> statement-breakpoint
CREATE INDEX `invoices_open_due_idx` ON `invoices` (`status`,`due_date`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`invoice_id` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`method` text NOT NULL,
	`provider` text,
	`provider_ref` text,
	`kind` text DEFAULT 'payment' NOT NULL,
	`received_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_provider_ref_unique` ON `payments` (`provider`,`provider_ref`,`invoice_id`,`kind`);--> statement-breakpoint
CREATE INDEX `payments_invoice_idx` ON `payments` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `cadence_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`name` text NOT NULL,
	`segment` text NOT NULL,
	`min_days_between_contacts` integer DEFAULT 7 NOT NULL,
	`max_days_without_contact` integer DEFAULT 10 NOT NULL,
	`broken_promises_before_litigation` integer DEFAULT 2 NOT NULL,
	`promise_grace_days` integer DEFAULT 3 NOT NULL,
	`max_promise_days` integer DEFAULT 30 NOT NULL,
	`max_plan_months` integer DEFAULT 6 NOT NULL,
	`min_installment_cents` integer DEFAULT 5000 NOT NULL,
	`auto_accept_plan_months` integer DEFAULT 3 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cadence_policies_creditor_segment_unique` ON `cadence_policies` (`creditor_id`,`segment`);--> statement-breakpoint
CREATE TABLE `cadence_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`policy_id` integer NOT NULL,
	`kind` text NOT NULL,
	`offset_days` integer NOT NULL,
	`channel` text NOT NULL,
	`tone` text NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`policy_id`) REFERENCES `cadence_policies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cadence_steps_policy_kind_channel_unique` ON `cadence_steps` (`policy_id`,`kind`,`channel`);--> statement-breakpoint
CREATE TABLE `debtor_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`jti` text NOT NULL,
	`kid` text,
	`token_hash` text,
	`debtor_id` integer NOT NULL,
	`scope` text NOT NULL,
	`channel` text NOT NULL,
	`sent_to_hash` text,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `debtor_links_jti_unique` ON `debtor_links` (`jti`);--> statement-breakpoint
CREATE UNIQUE INDEX `debtor_links_token_hash_unique` ON `debtor_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `debtor_links_debtor_idx` ON `debtor_links` (`debtor_id`);--> statement-breakpoint
CREATE TABLE `debtor_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`debtor_id` integer NOT NULL,
	`link_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`step_up_at` integer,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`link_id`) REFERENCES `debtor_links`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `debtor_sessions_debtor_idx` ON `debtor_sessions` (`debtor_id`);--> statement-breakpoint
CREATE TABLE `dev_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`idempotency_key` text,
	`from_address` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text,
	`html` text,
	`text` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dev_outbox_idempotency_key_unique` ON `dev_outbox` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `outbound_message_invoices` (
	`message_id` integer NOT NULL,
	`invoice_id` integer NOT NULL,
	PRIMARY KEY(`message_id`, `invoice_id`),
	FOREIGN KEY (`message_id`) REFERENCES `outbound_messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbound_message_invoices_invoice_idx` ON `outbound_message_invoices` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `outbound_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`creditor_id` integer NOT NULL,
	`debtor_id` integer NOT NULL,
	`contact_id` integer,
	`link_id` integer,
	`step` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`locale` text NOT NULL,
	`to_address` text,
	`subject` text,
	`content_hash` text,
	`provider` text,
	`provider_message_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_error` text,
	`planned_for` integer NOT NULL,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `debtor_contacts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`link_id`) REFERENCES `debtor_links`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_key_unique` ON `outbound_messages` (`key`);--> statement-breakpoint
CREATE INDEX `outbound_messages_status_idx` ON `outbound_messages` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbound_messages_debtor_idx` ON `outbound_messages` (`debtor_id`);--> statement-breakpoint
CREATE TABLE `dispute_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dispute_id` integer NOT NULL,
	`storage_path` text NOT NULL,
	`original_name` text NOT NULL,
	`content_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`dispute_id`) REFERENCES `disputes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `disputes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`debtor_id` integer NOT NULL,
	`invoice_id` integer NOT NULL,
	`reason` text NOT NULL,
	`message` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolution` text,
	`resolution_note` text,
	`resolved_at` integer,
	`link_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`link_id`) REFERENCES `debtor_links`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `disputes_invoice_idx` ON `disputes` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `installment_plan_invoices` (
	`plan_id` integer NOT NULL,
	`invoice_id` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `installment_plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `installment_plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`debtor_id` integer NOT NULL,
	`total_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`decision_reason` text,
	`decided_at` integer,
	`acknowledgment_text` text,
	`acknowledged_ip` text,
	`acknowledged_user_agent` text,
	`link_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`link_id`) REFERENCES `debtor_links`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `installment_plans_debtor_idx` ON `installment_plans` (`debtor_id`);--> statement-breakpoint
CREATE TABLE `installments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`position` integer NOT NULL,
	`due_date` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `installment_plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `installments_plan_idx` ON `installments` (`plan_id`);--> statement-breakpoint
CREATE TABLE `promises` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`debtor_id` integer NOT NULL,
	`invoice_id` integer NOT NULL,
	`promised_date` text NOT NULL,
	`amount_cents` integer,
	`source` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolved_at` integer,
	`acknowledgment_text` text,
	`acknowledged_ip` text,
	`acknowledged_user_agent` text,
	`link_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`link_id`) REFERENCES `debtor_links`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `promises_invoice_idx` ON `promises` (`invoice_id`);--> statement-breakpoint
CREATE INDEX `promises_status_idx` ON `promises` (`status`);--> statement-breakpoint
CREATE TABLE `timeline_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`debtor_id` integer NOT NULL,
	`invoice_id` integer,
	`type` text NOT NULL,
	`actor` text NOT NULL,
	`data` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `timeline_events_debtor_idx` ON `timeline_events` (`debtor_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `timeline_events_invoice_idx` ON `timeline_events` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`provider` text NOT NULL,
	`provider_event_id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_provider_event_unique` ON `webhook_events` (`provider`,`provider_event_id`);