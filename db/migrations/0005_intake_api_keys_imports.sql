CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_by` integer,
	`last_used_at` integer,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_creditor_idx` ON `api_keys` (`creditor_id`);--> statement-breakpoint
CREATE TABLE `import_row_issues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`phase` text NOT NULL,
	`severity` text NOT NULL,
	`row_number` integer NOT NULL,
	`column` text,
	`message` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `import_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `import_row_issues_run_idx` ON `import_row_issues` (`run_id`,`phase`,`row_number`);--> statement-breakpoint
CREATE TABLE `import_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`creditor_id` integer NOT NULL,
	`staff_user_id` integer,
	`file_name` text NOT NULL,
	`file_path` text,
	`file_sha256` text NOT NULL,
	`encoding` text NOT NULL,
	`delimiter` text NOT NULL,
	`status` text NOT NULL,
	`total_rows` integer NOT NULL,
	`processed_rows` integer DEFAULT 0 NOT NULL,
	`preview` text NOT NULL,
	`outcome` text,
	`failure` text,
	`started_at` integer,
	`finished_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `import_runs_creditor_idx` ON `import_runs` (`creditor_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `invoice_terms_flags` (
	`invoice_id` integer PRIMARY KEY NOT NULL,
	`creditor_id` integer NOT NULL,
	`warning` text NOT NULL,
	`flagged_at` integer NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`creditor_id`) REFERENCES `creditors`(`id`) ON UPDATE no action ON DELETE no action
);
