CREATE TABLE `refused_webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`provider` text NOT NULL,
	`provider_event_id` text NOT NULL,
	`type` text NOT NULL,
	`reason` text NOT NULL,
	`creditor_id` integer,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refused_webhooks_provider_event_unique` ON `refused_webhooks` (`provider`,`provider_event_id`);