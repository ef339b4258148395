CREATE TABLE `email_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`payload` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sent_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `outbound_messages` ADD `batch_id` integer REFERENCES email_batches(id);--> statement-breakpoint
CREATE INDEX `outbound_messages_batch_idx` ON `outbound_messages` (`batch_id`);