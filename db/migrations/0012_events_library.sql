ALTER TYPE "public"."rsvp_status" ADD VALUE 'maybe';--> statement-breakpoint
ALTER TYPE "public"."rsvp_status" ADD VALUE 'not_going';--> statement-breakpoint
CREATE TABLE "event_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"sender_id" text,
	"audience" text[] NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"recipient_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_rsvp_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"digested_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "event_series" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"group_id" text,
	"rrule" text NOT NULL,
	"time_zone" text NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "library_images" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"resource_id" text,
	"file_key" text NOT NULL,
	"file_mime" text NOT NULL,
	"file_size" bigint NOT NULL,
	"uploaded_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resource_pages" (
	"resource_id" text NOT NULL,
	"page" integer NOT NULL,
	"text" text NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', "resource_pages"."text")) STORED,
	CONSTRAINT "resource_pages_resource_id_page_pk" PRIMARY KEY("resource_id","page")
);
--> statement-breakpoint
CREATE TABLE "resource_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"resource_id" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"body" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"restored_from" integer,
	"edited_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "event_rsvps" ADD COLUMN "checked_in_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "event_rsvps" ADD COLUMN "checked_in_by" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "series_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "recurrence_id" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "detached" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "discussion_thread_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "discussion_room_id" text;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "reviewer_id" text;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "link_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "link_status" text;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "link_error" text;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "link_broken_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "text_status" text;--> statement-breakpoint
ALTER TABLE "event_messages" ADD CONSTRAINT "event_messages_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_messages" ADD CONSTRAINT "event_messages_sender_id_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_rsvp_changes" ADD CONSTRAINT "event_rsvp_changes_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_rsvp_changes" ADD CONSTRAINT "event_rsvp_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_series" ADD CONSTRAINT "event_series_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_series" ADD CONSTRAINT "event_series_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_series" ADD CONSTRAINT "event_series_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_images" ADD CONSTRAINT "library_images_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_images" ADD CONSTRAINT "library_images_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_images" ADD CONSTRAINT "library_images_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_pages" ADD CONSTRAINT "resource_pages_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_versions" ADD CONSTRAINT "resource_versions_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_versions" ADD CONSTRAINT "resource_versions_edited_by_users_id_fk" FOREIGN KEY ("edited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_messages_event_created_idx" ON "event_messages" USING btree ("event_id","created_at");--> statement-breakpoint
CREATE INDEX "event_messages_sender_id_idx" ON "event_messages" USING btree ("sender_id");--> statement-breakpoint
CREATE INDEX "event_rsvp_changes_event_created_idx" ON "event_rsvp_changes" USING btree ("event_id","created_at");--> statement-breakpoint
CREATE INDEX "event_rsvp_changes_pending_idx" ON "event_rsvp_changes" USING btree ("created_at") WHERE "event_rsvp_changes"."digested_at" is null;--> statement-breakpoint
CREATE INDEX "event_rsvp_changes_user_id_idx" ON "event_rsvp_changes" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "event_series_organization_id_idx" ON "event_series" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "event_series_group_id_idx" ON "event_series" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "event_series_created_by_idx" ON "event_series" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "library_images_organization_id_idx" ON "library_images" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "library_images_resource_id_idx" ON "library_images" USING btree ("resource_id");--> statement-breakpoint
CREATE INDEX "library_images_uploaded_by_idx" ON "library_images" USING btree ("uploaded_by");--> statement-breakpoint
CREATE INDEX "resource_pages_search_idx" ON "resource_pages" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "resource_versions_resource_version_key" ON "resource_versions" USING btree ("resource_id","version");--> statement-breakpoint
CREATE INDEX "resource_versions_edited_by_idx" ON "resource_versions" USING btree ("edited_by");--> statement-breakpoint
ALTER TABLE "event_rsvps" ADD CONSTRAINT "event_rsvps_checked_in_by_users_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_series_id_event_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."event_series"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_discussion_thread_id_threads_id_fk" FOREIGN KEY ("discussion_thread_id") REFERENCES "public"."threads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_discussion_room_id_chat_rooms_id_fk" FOREIGN KEY ("discussion_room_id") REFERENCES "public"."chat_rooms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_rsvps_checked_in_by_idx" ON "event_rsvps" USING btree ("checked_in_by");--> statement-breakpoint
CREATE UNIQUE INDEX "events_series_recurrence_key" ON "events" USING btree ("series_id","recurrence_id");--> statement-breakpoint
CREATE INDEX "events_discussion_thread_id_idx" ON "events" USING btree ("discussion_thread_id");--> statement-breakpoint
CREATE INDEX "events_discussion_room_id_idx" ON "events" USING btree ("discussion_room_id");--> statement-breakpoint
CREATE INDEX "resources_reviewer_id_idx" ON "resources" USING btree ("reviewer_id");