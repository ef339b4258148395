CREATE TABLE `commitment_evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`debtor_id` integer NOT NULL,
	`kind` text NOT NULL,
	`record_id` integer NOT NULL,
	`acknowledgment_text` text NOT NULL,
	`acknowledged_ip` text,
	`acknowledged_user_agent` text,
	`acknowledged_at` integer NOT NULL,
	`copy_message_ids` text NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`debtor_id`) REFERENCES `debtors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `commitment_evidence_record_unique` ON `commitment_evidence` (`kind`,`record_id`);--> statement-breakpoint
CREATE INDEX `commitment_evidence_debtor_idx` ON `commitment_evidence` (`debtor_id`);--> statement-breakpoint
ALTER TABLE `creditors` ADD `notification_email` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `refunded_at` integer;--> statement-breakpoint
ALTER TABLE `payments` ADD `refund_ref` text;--> statement-breakpoint
ALTER TABLE `cadence_policies` ADD `alternate_channels_after_unanswered` integer DEFAULT false NOT NULL;