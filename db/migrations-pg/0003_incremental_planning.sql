ALTER TABLE "debtors" ADD COLUMN "state_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "debtors" ADD COLUMN "planned_version" integer;--> statement-breakpoint
ALTER TABLE "debtors" ADD COLUMN "next_decision_at" timestamp (3) with time zone;