DROP INDEX `target_issues_listing_idx`;--> statement-breakpoint
CREATE INDEX `target_issues_listing_idx` ON `target_issues` (`target_id`,`open`,`created_at`,`issue_id`);