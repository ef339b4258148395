ALTER TABLE `outbound_messages` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `outbound_messages` ADD `lease_expires_at` integer;--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `subject` text;--> statement-breakpoint
CREATE INDEX `webhook_events_subject_idx` ON `webhook_events` (`provider`,`subject`);--> statement-breakpoint
ALTER TABLE `email_batches` ADD `claim_token` text;--> statement-breakpoint
ALTER TABLE `email_batches` ADD `lease_expires_at` integer;