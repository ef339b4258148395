ALTER TABLE "email_batches" ADD COLUMN "claim_token" text;--> statement-breakpoint
ALTER TABLE "email_batches" ADD COLUMN "lease_expires_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "claim_token" text;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD COLUMN "lease_expires_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "subject" text;--> statement-breakpoint
CREATE INDEX "webhook_events_subject_idx" ON "webhook_events" USING btree ("provider","subject");