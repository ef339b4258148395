ALTER TABLE `debtors` ADD `state_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `debtors` ADD `planned_version` integer;--> statement-breakpoint
ALTER TABLE `debtors` ADD `next_decision_at` integer;