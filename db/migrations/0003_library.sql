CREATE TYPE "public"."resource_category" AS ENUM('understanding', 'medications', 'therapy', 'surgery', 'research', 'living', 'support', 'carers');--> statement-breakpoint
CREATE TYPE "public"."resource_kind" AS ENUM('link', 'guide', 'document');--> statement-breakpoint
CREATE TABLE "resource_bookmarks" (
	"user_id" text NOT NULL,
	"resource_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resource_bookmarks_user_id_resource_id_pk" PRIMARY KEY("user_id","resource_id")
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"group_id" text,
	"kind" "resource_kind" NOT NULL,
	"category" "resource_category" NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"url" text,
	"file_key" text,
	"file_name" text,
	"file_size" bigint,
	"file_mime" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"reviewed_at" timestamp with time zone,
	"reviewed_by" text,
	"retired_at" timestamp with time zone,
	"retired_by" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', "resources"."title"), 'A') || setweight(to_tsvector('english', "resources"."summary"), 'B') || setweight(to_tsvector('english', "resources"."body"), 'C')) STORED,
	CONSTRAINT "resources_link_has_url" CHECK ("resources"."kind" <> 'link' or "resources"."url" is not null),
	CONSTRAINT "resources_document_has_file" CHECK ("resources"."kind" <> 'document' or "resources"."file_key" is not null)
);
--> statement-breakpoint
ALTER TABLE "resource_bookmarks" ADD CONSTRAINT "resource_bookmarks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_bookmarks" ADD CONSTRAINT "resource_bookmarks_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_retired_by_users_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resource_bookmarks_user_created_idx" ON "resource_bookmarks" USING btree ("user_id","created_at" DESC NULLS LAST,"resource_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "resource_bookmarks_resource_id_idx" ON "resource_bookmarks" USING btree ("resource_id");--> statement-breakpoint
CREATE INDEX "resources_created_id_idx" ON "resources" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "resources_category_created_idx" ON "resources" USING btree ("category","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "resources_organization_created_idx" ON "resources" USING btree ("organization_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "resources_group_id_idx" ON "resources" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "resources_reviewed_by_idx" ON "resources" USING btree ("reviewed_by");--> statement-breakpoint
CREATE INDEX "resources_retired_by_idx" ON "resources" USING btree ("retired_by");--> statement-breakpoint
CREATE INDEX "resources_created_by_idx" ON "resources" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "resources_tags_idx" ON "resources" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "resources_search_idx" ON "resources" USING gin ("search");