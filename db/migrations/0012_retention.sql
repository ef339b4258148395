ALTER TABLE `creditors` ADD `retention_months` integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE `creditors` ADD `retention_run_on` text;--> statement-breakpoint
ALTER TABLE `debtors` ADD `anonymised_at` integer;