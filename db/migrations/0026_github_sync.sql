CREATE TABLE `github_discovery_repos` (
	`repo` text PRIMARY KEY NOT NULL,
	`last_searched_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`next_allowed_at` integer
);
--> statement-breakpoint
CREATE TABLE `github_installation_repos` (
	`installation_id` integer NOT NULL,
	`repo_id` integer NOT NULL,
	`full_name` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`installation_id`, `repo_id`),
	FOREIGN KEY (`installation_id`) REFERENCES `github_installations`(`installation_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `github_installations` (
	`installation_id` integer PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`account_type` text,
	`repository_selection` text,
	`suspended_at` integer,
	`deleted_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `github_suggestions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` integer NOT NULL,
	`repo` text NOT NULL,
	`number` integer NOT NULL,
	`kind` text NOT NULL,
	`github_id` integer NOT NULL,
	`title` text NOT NULL,
	`url` text NOT NULL,
	`author_login` text,
	`labels_json` text,
	`github_updated_at` integer NOT NULL,
	`found_at` integer NOT NULL,
	`status` text DEFAULT 'suggested' NOT NULL,
	`decided_by_user_id` integer,
	`decided_at` integer,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`decided_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "github_suggestions_status_check" CHECK("github_suggestions"."status" in ('suggested', 'linked', 'dismissed')),
	CONSTRAINT "github_suggestions_kind_check" CHECK("github_suggestions"."kind" in ('issue', 'pull'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `github_suggestions_target_issue_unique` ON `github_suggestions` (`target_id`,lower("repo"),`number`);--> statement-breakpoint
CREATE INDEX `github_suggestions_status_idx` ON `github_suggestions` (`status`,`found_at`);--> statement-breakpoint
CREATE TABLE `github_sync_repos` (
	`repo` text PRIMARY KEY NOT NULL,
	`since_cursor` text,
	`etag` text,
	`last_modified` text,
	`pending_url` text,
	`pending_max_updated` text,
	`last_synced_at` integer,
	`last_attempt_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`next_allowed_at` integer,
	`last_run_full` integer DEFAULT 0 NOT NULL,
	`last_run_not_modified` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `github_sync_repos_synced_idx` ON `github_sync_repos` (`last_synced_at`);