DROP INDEX "reports_queue_idx";--> statement-breakpoint
CREATE INDEX "reports_queue_idx" ON "reports" USING btree ("group_id","created_at") WHERE "reports"."status" in ('open', 'escalated');