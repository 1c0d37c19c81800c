CREATE TABLE `target_bridges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` integer NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`note` text,
	`position` integer NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `target_bridges_target_idx` ON `target_bridges` (`target_id`,`position`);--> statement-breakpoint
CREATE TABLE `target_repositories` (
	`target_id` integer NOT NULL,
	`repo` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`target_id`, `repo`),
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `target_repositories_lower_repo_idx` ON `target_repositories` (lower("repo"));--> statement-breakpoint
CREATE TABLE `target_slug_redirects` (
	`slug` text PRIMARY KEY NOT NULL,
	`target_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `target_status_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`evidence_url` text,
	`note` text,
	`actor_user_id` integer,
	`actor_label` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "target_status_changes_to_check" CHECK("target_status_changes"."to_status" in ('native', 'partial', 'requested', 'none')),
	CONSTRAINT "target_status_changes_evidence_check" CHECK("target_status_changes"."evidence_url" is null or "target_status_changes"."evidence_url" like 'https://%')
);
--> statement-breakpoint
CREATE INDEX `target_status_changes_target_idx` ON `target_status_changes` (`target_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `target_suggestions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`repos` text DEFAULT '' NOT NULL,
	`summary` text NOT NULL,
	`homepage` text,
	`status` text DEFAULT 'proposed' NOT NULL,
	`suggested_by_user_id` integer NOT NULL,
	`decided_by_user_id` integer,
	`decided_at` integer,
	`decline_reason` text,
	`target_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`suggested_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "target_suggestions_status_check" CHECK("target_suggestions"."status" in ('proposed', 'accepted', 'declined'))
);
--> statement-breakpoint
CREATE INDEX `target_suggestions_status_idx` ON `target_suggestions` (`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `target_personas` ADD `help_text` text;--> statement-breakpoint
ALTER TABLE `targets` ADD `summary_html` text;--> statement-breakpoint
ALTER TABLE `targets` ADD `updated_at` integer;--> statement-breakpoint
ALTER TABLE `targets` ADD `retired_at` integer;--> statement-breakpoint
CREATE INDEX `targets_unrendered_idx` ON `targets` (`id`) WHERE "targets"."summary_html" is null;--> statement-breakpoint
CREATE INDEX `github_issues_merged_pulls_idx` ON `github_issues` (`id`) WHERE "github_issues"."kind" = 'pull' and "github_issues"."state" = 'merged';--> statement-breakpoint
-- Targets that existed before: their one repository is their first upstream repository.
INSERT INTO `target_repositories` (`target_id`, `repo`, `position`) SELECT `id`, `repo`, 0 FROM `targets` WHERE `repo` IS NOT NULL AND `repo` <> '';
--> statement-breakpoint
-- ...and the status they have is the first entry of their history (no evidence: the seed said so).
INSERT INTO `target_status_changes` (`target_id`, `from_status`, `to_status`, `evidence_url`, `note`, `actor_user_id`, `actor_label`, `created_at`)
  SELECT `id`, NULL, `status`, NULL, 'Status as first catalogued.', NULL, 'seed', `created_at` FROM `targets`;
--> statement-breakpoint
-- A target's status history is append-only: what was said, on what evidence, by whom, stays.
CREATE TRIGGER `target_status_changes_no_update` BEFORE UPDATE ON `target_status_changes`
BEGIN
  SELECT RAISE(ABORT, 'append-only: target_status_changes rows cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `target_status_changes_no_delete` BEFORE DELETE ON `target_status_changes`
BEGIN
  SELECT RAISE(ABORT, 'append-only: target_status_changes rows cannot be deleted');
END;
