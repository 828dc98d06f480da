CREATE TYPE "public"."held_kind" AS ENUM('thread', 'post', 'chat_message');--> statement-breakpoint
CREATE TYPE "public"."held_reason" AS ENUM('new_member', 'watched_word');--> statement-breakpoint
CREATE TYPE "public"."held_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."watched_action" AS ENUM('block', 'hold', 'flag');--> statement-breakpoint
ALTER TYPE "public"."report_reason" ADD VALUE 'watched_word';--> statement-breakpoint
CREATE TABLE "drafts" (
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"group_id" text NOT NULL,
	"thread_id" text,
	"post_id" text,
	"title" text DEFAULT '' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "drafts_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
CREATE TABLE "held_content" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" "held_kind" NOT NULL,
	"group_id" text NOT NULL,
	"author_id" text NOT NULL,
	"thread_id" text,
	"room_id" text,
	"title" text,
	"body" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reason" "held_reason" NOT NULL,
	"matched" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "held_status" DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"reject_reason" text DEFAULT '' NOT NULL,
	"published_id" text
);
--> statement-breakpoint
CREATE TABLE "watched_words" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text,
	"pattern" text NOT NULL,
	"action" "watched_action" NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "watched_words_org_pattern_key" UNIQUE NULLS NOT DISTINCT("organization_id","pattern")
);
--> statement-breakpoint
ALTER TABLE "reports" ALTER COLUMN "reporter_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "new_member_holds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "auto_hide_reports" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "forum_public" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "hidden_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "members_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "hidden_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD COLUMN "hidden_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_content" ADD CONSTRAINT "held_content_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_content" ADD CONSTRAINT "held_content_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_content" ADD CONSTRAINT "held_content_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_content" ADD CONSTRAINT "held_content_room_id_chat_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."chat_rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_content" ADD CONSTRAINT "held_content_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watched_words" ADD CONSTRAINT "watched_words_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watched_words" ADD CONSTRAINT "watched_words_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "drafts_user_updated_idx" ON "drafts" USING btree ("user_id","updated_at");--> statement-breakpoint
CREATE INDEX "held_content_queue_idx" ON "held_content" USING btree ("group_id","status","created_at");--> statement-breakpoint
CREATE INDEX "held_content_author_idx" ON "held_content" USING btree ("author_id","status","created_at");--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_new_member_holds_range" CHECK ("organizations"."new_member_holds" between 0 and 5);--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_auto_hide_reports_range" CHECK ("organizations"."auto_hide_reports" between 1 and 50);