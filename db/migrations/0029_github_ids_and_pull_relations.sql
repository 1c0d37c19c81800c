ALTER TABLE `github_issues` ADD `repo_id` integer;--> statement-breakpoint
CREATE INDEX `github_issues_repo_id_idx` ON `github_issues` (`repo_id`,`repo`);--> statement-breakpoint
CREATE INDEX `github_issues_unknown_repo_idx` ON `github_issues` (lower("repo")) WHERE "github_issues"."repo_id" is null;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_pull_links` (
	`pull_id` integer NOT NULL,
	`issue_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`relation` text DEFAULT 'fixes' NOT NULL,
	PRIMARY KEY(`pull_id`, `issue_id`),
	FOREIGN KEY (`pull_id`) REFERENCES `github_issues`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`issue_id`) REFERENCES `github_issues`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "pull_links_relation_check" CHECK("__new_pull_links"."relation" in ('fixes', 'related'))
);
--> statement-breakpoint
INSERT INTO `__new_pull_links`("pull_id", "issue_id", "created_at", "relation") SELECT "pull_id", "issue_id", "created_at", 'fixes' FROM `pull_links`;--> statement-breakpoint
DROP TABLE `pull_links`;--> statement-breakpoint
ALTER TABLE `__new_pull_links` RENAME TO `pull_links`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `pull_links_issue_idx` ON `pull_links` (`issue_id`);