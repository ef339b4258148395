CREATE TABLE `checkout_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`debtor_id` integer NOT NULL,
	`provider_session_id` text,
	`currency` text NOT NULL,
	`total_cents` integer NOT NULL,
	`allocations` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`payment_intent_id` text,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkout_sessions_provider_unique` ON `checkout_sessions` (`provider_session_id`);--> statement-breakpoint
CREATE INDEX `checkout_sessions_debtor_idx` ON `checkout_sessions` (`debtor_id`);--> statement-breakpoint
CREATE INDEX `checkout_sessions_intent_idx` ON `checkout_sessions` (`payment_intent_id`);--> statement-breakpoint
CREATE TABLE `payment_claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`debtor_id` integer NOT NULL,
	`invoice_id` integer NOT NULL,
	`paid_on` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`method` text NOT NULL,
	`reference` text,
	`proof_path` text,
	`proof_name` text,
	`proof_content_type` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`link_id` integer,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`link_id`) REFERENCES `debtor_links`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payment_claims_invoice_idx` ON `payment_claims` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rate_limits_key_window_unique` ON `rate_limits` (`key`,`window_start`);--> statement-breakpoint
CREATE TABLE `step_up_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_hash` text NOT NULL,
	`debtor_id` integer NOT NULL,
	`code_hash` text NOT NULL,
	`sent_to` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `step_up_codes_session_idx` ON `step_up_codes` (`session_hash`);--> statement-breakpoint
ALTER TABLE `debtors` ADD `purchase_order_ref` text;