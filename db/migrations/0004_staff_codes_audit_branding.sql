CREATE TABLE `staff_audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`actor_staff_user_id` integer NOT NULL,
	`action` text NOT NULL,
	`data` text NOT NULL,
	`occurred_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_audit_events_creditor_idx` ON `staff_audit_events` (`creditor_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `staff_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`staff_user_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`code_hash` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_codes_user_idx` ON `staff_codes` (`staff_user_id`,`purpose`);--> statement-breakpoint
ALTER TABLE `creditors` ADD `sms_sender_id` text;--> statement-breakpoint
ALTER TABLE `creditors` ADD `display_name` text;--> statement-breakpoint
ALTER TABLE `creditors` ADD `accent_color` text;