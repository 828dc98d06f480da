CREATE TYPE "public"."organization_application_status" AS ENUM('pending', 'verified', 'declined');--> statement-breakpoint
CREATE TYPE "public"."appeal_status" AS ENUM('open', 'upheld', 'overturned');--> statement-breakpoint
CREATE TABLE "organization_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"website" text NOT NULL,
	"description" text NOT NULL,
	"contact" text NOT NULL,
	"applicant_id" text NOT NULL,
	"status" "organization_application_status" DEFAULT 'pending' NOT NULL,
	"organization_id" text,
	"decision_note" text DEFAULT '' NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "appeals" (
	"id" text PRIMARY KEY NOT NULL,
	"moderation_action_id" text NOT NULL,
	"user_id" text NOT NULL,
	"group_id" text,
	"body" text NOT NULL,
	"status" "appeal_status" DEFAULT 'open' NOT NULL,
	"decision_note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "helplines" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_applications" ADD CONSTRAINT "organization_applications_applicant_id_users_id_fk" FOREIGN KEY ("applicant_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_applications" ADD CONSTRAINT "organization_applications_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_applications" ADD CONSTRAINT "organization_applications_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_moderation_action_id_moderation_actions_id_fk" FOREIGN KEY ("moderation_action_id") REFERENCES "public"."moderation_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "organization_applications_status_created_idx" ON "organization_applications" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "organization_applications_applicant_idx" ON "organization_applications" USING btree ("applicant_id");--> statement-breakpoint
CREATE INDEX "organization_applications_organization_idx" ON "organization_applications" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "organization_applications_reviewed_by_idx" ON "organization_applications" USING btree ("reviewed_by");--> statement-breakpoint
CREATE UNIQUE INDEX "appeals_moderation_action_key" ON "appeals" USING btree ("moderation_action_id");--> statement-breakpoint
CREATE INDEX "appeals_queue_idx" ON "appeals" USING btree ("group_id","status","created_at");--> statement-breakpoint
CREATE INDEX "appeals_user_id_idx" ON "appeals" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "appeals_resolved_by_idx" ON "appeals" USING btree ("resolved_by");--> statement-breakpoint
CREATE INDEX "moderation_actions_created_idx" ON "moderation_actions" USING btree ("created_at","id");