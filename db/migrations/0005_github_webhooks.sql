CREATE TABLE `github_hooks` (
	`hook_id` integer PRIMARY KEY NOT NULL,
	`hook_type` text,
	`target` text,
	`events` text,
	`last_ping_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pull_links` (
	`pull_id` integer NOT NULL,
	`issue_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`pull_id`, `issue_id`),
	FOREIGN KEY (`pull_id`) REFERENCES `github_issues`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`issue_id`) REFERENCES `github_issues`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pull_links_issue_idx` ON `pull_links` (`issue_id`);--> statement-breakpoint
CREATE TABLE `repo_releases` (
	`repo` text PRIMARY KEY NOT NULL,
	`tag` text NOT NULL,
	`name` text,
	`url` text NOT NULL,
	`published_at` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`event` text NOT NULL,
	`action` text,
	`status` text NOT NULL,
	`error` text,
	`hook_id` integer,
	`payload` text NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	CONSTRAINT "webhook_deliveries_status_check" CHECK("webhook_deliveries"."status" in ('processed', 'ignored', 'invalid', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_delivery_id_unique` ON `webhook_deliveries` (`delivery_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_received_idx` ON `webhook_deliveries` (`received_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_status_idx` ON `webhook_deliveries` (`status`,`received_at`);--> statement-breakpoint
ALTER TABLE `github_issues` ADD `github_id` integer;--> statement-breakpoint
ALTER TABLE `github_issues` ADD `state_reason` text;--> statement-breakpoint
ALTER TABLE `github_issues` ADD `labels_json` text;--> statement-breakpoint
ALTER TABLE `github_issues` ADD `assignees_json` text;--> statement-breakpoint
ALTER TABLE `github_issues` ADD `author_login` text;--> statement-breakpoint
ALTER TABLE `github_issues` ADD `github_updated_at` integer;--> statement-breakpoint
ALTER TABLE `github_issues` ADD `merged_at` integer;--> statement-breakpoint
ALTER TABLE `github_issues` ADD `synced_at` integer;--> statement-breakpoint
CREATE INDEX `github_issues_github_id_idx` ON `github_issues` (`github_id`);