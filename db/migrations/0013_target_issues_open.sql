ALTER TABLE `target_issues` ADD `open` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `target_issues_listing_idx` ON `target_issues` (`target_id`,`open`,`issue_id`);