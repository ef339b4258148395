CREATE TABLE `published_rates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`effective_from` text NOT NULL,
	`rate_bp` integer NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `published_rates_kind_from` ON `published_rates` (`kind`,`effective_from`);