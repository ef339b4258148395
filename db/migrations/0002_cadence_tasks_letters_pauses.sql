CREATE TABLE `cadence_pauses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`debtor_id` integer NOT NULL,
	`invoice_id` integer,
	`reason` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	`owner` text NOT NULL,
	`callback_at` integer,
	`note` text,
	`resolved_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cadence_pauses_debtor_idx` ON `cadence_pauses` (`debtor_id`);--> statement-breakpoint
CREATE TABLE `call_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`debtor_id` integer NOT NULL,
	`message_id` integer,
	`reason` text NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`outcome` text,
	`note` text,
	`assigned_to` integer,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `outbound_messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `call_tasks_creditor_status_idx` ON `call_tasks` (`creditor_id`,`status`,`due_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `call_tasks_message_unique` ON `call_tasks` (`message_id`);--> statement-breakpoint
CREATE TABLE `letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`debtor_id` integer NOT NULL,
	`message_id` integer,
	`kind` text NOT NULL,
	`pdf_path` text NOT NULL,
	`pdf_sha256` text NOT NULL,
	`status` text DEFAULT 'to_post' NOT NULL,
	`tracking_number` text,
	`posted_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `outbound_messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `letters_creditor_status_idx` ON `letters` (`creditor_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `letters_message_unique` ON `letters` (`message_id`);--> statement-breakpoint
ALTER TABLE `outbound_message_invoices` ADD `step` text;--> statement-breakpoint
ALTER TABLE `outbound_messages` ADD `body_text` text;