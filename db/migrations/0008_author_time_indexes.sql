DROP INDEX "posts_author_id_idx";--> statement-breakpoint
CREATE INDEX "posts_author_created_idx" ON "posts" USING btree ("author_id","created_at","id");--> statement-breakpoint
CREATE INDEX "chat_messages_author_created_idx" ON "chat_messages" USING btree ("author_id","created_at","id");