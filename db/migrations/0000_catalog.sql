CREATE TABLE `github_issues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`repo` text NOT NULL,
	`number` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`state` text NOT NULL,
	`url` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	CONSTRAINT "github_issues_kind_check" CHECK("github_issues"."kind" in ('issue', 'pull')),
	CONSTRAINT "github_issues_state_check" CHECK("github_issues"."state" in ('open', 'closed', 'merged'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `github_issues_repo_number_unique` ON `github_issues` (`repo`,`number`);--> statement-breakpoint
CREATE TABLE `personas` (
	`slug` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`help_text` text NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `target_issues` (
	`target_id` integer NOT NULL,
	`issue_id` integer NOT NULL,
	`source` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`target_id`, `issue_id`),
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`issue_id`) REFERENCES `github_issues`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "target_issues_source_check" CHECK("target_issues"."source" in ('seed', 'manual', 'label'))
);
--> statement-breakpoint
CREATE INDEX `target_issues_issue_idx` ON `target_issues` (`issue_id`);--> statement-breakpoint
CREATE TABLE `target_personas` (
	`target_id` integer NOT NULL,
	`persona_slug` text NOT NULL,
	`rank` integer NOT NULL,
	PRIMARY KEY(`target_id`, `persona_slug`),
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`persona_slug`) REFERENCES `personas`(`slug`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `target_personas_persona_idx` ON `target_personas` (`persona_slug`,`rank`);--> statement-breakpoint
CREATE TABLE `targets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`status` text NOT NULL,
	`summary` text NOT NULL,
	`repo` text,
	`homepage` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	CONSTRAINT "targets_status_check" CHECK("targets"."status" in ('native', 'partial', 'requested', 'none'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `targets_slug_unique` ON `targets` (`slug`);--> statement-breakpoint
CREATE INDEX `targets_category_idx` ON `targets` (`category`);--> statement-breakpoint
CREATE INDEX `targets_status_idx` ON `targets` (`status`);