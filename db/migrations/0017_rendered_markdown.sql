ALTER TABLE `bounties` ADD `description_html` text;--> statement-breakpoint
CREATE INDEX `bounties_unrendered_idx` ON `bounties` (`id`) WHERE "bounties"."description_html" is null;--> statement-breakpoint
ALTER TABLE `bounty_events` ADD `note_html` text;--> statement-breakpoint
CREATE INDEX `bounty_events_user_notes_idx` ON `bounty_events` (`actor_user_id`,`created_at`) WHERE "bounty_events"."note" is not null;--> statement-breakpoint
CREATE INDEX `bounty_events_login_notes_idx` ON `bounty_events` (`actor_label`,`created_at`) WHERE "bounty_events"."actor_user_id" is null and "bounty_events"."note" is not null;--> statement-breakpoint
CREATE INDEX `bounty_events_unrendered_idx` ON `bounty_events` (`id`) WHERE "bounty_events"."note" is not null and "bounty_events"."note_html" is null;