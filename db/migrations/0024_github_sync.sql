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