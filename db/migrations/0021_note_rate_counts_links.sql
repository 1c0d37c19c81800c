DROP INDEX `bounty_events_user_notes_idx`;--> statement-breakpoint
DROP INDEX `bounty_events_login_notes_idx`;--> statement-breakpoint
CREATE INDEX `bounty_events_user_writing_idx` ON `bounty_events` (`actor_user_id`,`created_at`) WHERE ("bounty_events"."note" is not null or "bounty_events"."links_json" is not null);--> statement-breakpoint
CREATE INDEX `bounty_events_login_writing_idx` ON `bounty_events` (`actor_label`,`created_at`) WHERE "bounty_events"."actor_user_id" is null and ("bounty_events"."note" is not null or "bounty_events"."links_json" is not null);