-- Search over a million posts: the newest matches of a common word are found by walking these backwards
-- instead of ranking every match (app/modules/forums/search.server.ts, docs/decisions/0027).
CREATE INDEX "posts_created_idx" ON "posts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "threads_created_idx" ON "threads" USING btree ("created_at","id");