CREATE TABLE `tutorial_personas` (
	`tutorial_id` integer NOT NULL,
	`persona_slug` text NOT NULL,
	PRIMARY KEY(`tutorial_id`, `persona_slug`),
	FOREIGN KEY (`tutorial_id`) REFERENCES `tutorials`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`persona_slug`) REFERENCES `personas`(`slug`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tutorial_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tutorial_id` integer NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`body` text NOT NULL,
	`body_html` text NOT NULL,
	`toc_json` text NOT NULL,
	`note` text,
	`source_revision_id` integer,
	`author_user_id` integer,
	`author_label` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tutorial_id`) REFERENCES `tutorials`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_revision_id`) REFERENCES `tutorial_revisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tutorial_revisions_number_unique` ON `tutorial_revisions` (`tutorial_id`,`number`);--> statement-breakpoint
CREATE INDEX `tutorial_revisions_author_idx` ON `tutorial_revisions` (`author_user_id`);--> statement-breakpoint
CREATE TABLE `tutorial_targets` (
	`tutorial_id` integer NOT NULL,
	`target_id` integer NOT NULL,
	PRIMARY KEY(`tutorial_id`, `target_id`),
	FOREIGN KEY (`tutorial_id`) REFERENCES `tutorials`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tutorial_targets_target_idx` ON `tutorial_targets` (`target_id`,`tutorial_id`);--> statement-breakpoint
CREATE TABLE `tutorials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text,
	`source_tutorial_id` integer,
	`lang` text NOT NULL,
	`status` text NOT NULL,
	`current_revision_id` integer,
	`bounty_id` integer,
	`created_by_user_id` integer,
	`credit_line` text,
	`first_published_at` integer,
	`published_at` integer,
	`published_by_user_id` integer,
	`unpublished_reason` text,
	`seed_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`source_tutorial_id`) REFERENCES `tutorials`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`bounty_id`) REFERENCES `bounties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "tutorials_status_check" CHECK("tutorials"."status" in ('draft', 'in_review', 'published', 'unpublished')),
	CONSTRAINT "tutorials_slug_or_source_check" CHECK(("tutorials"."source_tutorial_id" is null) = ("tutorials"."slug" is not null)),
	CONSTRAINT "tutorials_unpublished_reason_check" CHECK("tutorials"."status" <> 'unpublished' or "tutorials"."unpublished_reason" is not null)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tutorials_slug_unique` ON `tutorials` (`slug`) WHERE "tutorials"."source_tutorial_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX `tutorials_translation_unique` ON `tutorials` (`source_tutorial_id`,`lang`) WHERE "tutorials"."source_tutorial_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `tutorials_seed_key_unique` ON `tutorials` (`seed_key`);--> statement-breakpoint
CREATE INDEX `tutorials_published_idx` ON `tutorials` (`status`,`first_published_at`);--> statement-breakpoint
-- Every save is a revision, and a revision is history: added, never rewritten.
CREATE TRIGGER `tutorial_revisions_no_update` BEFORE UPDATE ON `tutorial_revisions`
BEGIN
  SELECT RAISE(ABORT, 'append-only: tutorial_revisions rows cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `tutorial_revisions_no_delete` BEFORE DELETE ON `tutorial_revisions`
BEGIN
  SELECT RAISE(ABORT, 'append-only: tutorial_revisions rows cannot be deleted');
END;
