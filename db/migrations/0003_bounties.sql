CREATE TABLE `bounties` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` integer NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`kind` text NOT NULL,
	`difficulty` text,
	`status` text NOT NULL,
	`github_repo` text,
	`github_number` integer,
	`created_by_user_id` integer,
	`completed_by_user_id` integer,
	`completed_by_github_login` text,
	`completed_at` integer,
	`seed_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`completed_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bounties_kind_check" CHECK("bounties"."kind" in ('code', 'docs', 'tutorial', 'packaging', 'translation', 'advocacy', 'security-review', 'deployment-feedback')),
	CONSTRAINT "bounties_status_check" CHECK("bounties"."status" in ('proposed', 'declined', 'open', 'claimed', 'in_progress', 'in_review', 'completed', 'cancelled')),
	CONSTRAINT "bounties_difficulty_check" CHECK("bounties"."difficulty" is null or "bounties"."difficulty" in ('easy', 'medium', 'hard'))
);
--> statement-breakpoint
CREATE INDEX `bounties_status_idx` ON `bounties` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `bounties_target_idx` ON `bounties` (`target_id`,`status`);--> statement-breakpoint
CREATE INDEX `bounties_github_idx` ON `bounties` (`github_repo`,`github_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `bounties_seed_key_unique` ON `bounties` (`seed_key`);--> statement-breakpoint
CREATE TABLE `bounty_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bounty_id` integer NOT NULL,
	`type` text NOT NULL,
	`actor_user_id` integer,
	`actor_label` text NOT NULL,
	`source` text NOT NULL,
	`note` text,
	`links_json` text,
	`external_key` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`bounty_id`) REFERENCES `bounties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bounty_events_type_check" CHECK("bounty_events"."type" in ('proposed', 'created', 'accepted', 'declined', 'claimed', 'progress', 'released', 'expired', 'submitted', 'completed', 'reopened', 'cancelled', 'refused', 'linked'))
);
--> statement-breakpoint
CREATE INDEX `bounty_events_bounty_idx` ON `bounty_events` (`bounty_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `bounty_events_external_key_unique` ON `bounty_events` (`external_key`);--> statement-breakpoint
CREATE TABLE `bounty_personas` (
	`bounty_id` integer NOT NULL,
	`persona_slug` text NOT NULL,
	PRIMARY KEY(`bounty_id`, `persona_slug`),
	FOREIGN KEY (`bounty_id`) REFERENCES `bounties`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`persona_slug`) REFERENCES `personas`(`slug`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bounty_personas_persona_idx` ON `bounty_personas` (`persona_slug`,`bounty_id`);--> statement-breakpoint
CREATE TABLE `claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bounty_id` integer NOT NULL,
	`user_id` integer,
	`github_login` text,
	`claimed_at` integer NOT NULL,
	`last_checkin_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	FOREIGN KEY (`bounty_id`) REFERENCES `bounties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "claims_claimant_check" CHECK("claims"."user_id" is not null or "claims"."github_login" is not null),
	CONSTRAINT "claims_end_check" CHECK(("claims"."ended_at" is null) = ("claims"."end_reason" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claims_one_active_per_bounty` ON `claims` (`bounty_id`) WHERE "claims"."ended_at" is null;--> statement-breakpoint
CREATE INDEX `claims_active_user_idx` ON `claims` (`user_id`) WHERE "claims"."ended_at" is null;--> statement-breakpoint
CREATE INDEX `claims_active_login_idx` ON `claims` (`github_login`) WHERE "claims"."ended_at" is null;--> statement-breakpoint
CREATE INDEX `claims_active_expiry_idx` ON `claims` (`expires_at`) WHERE "claims"."ended_at" is null;--> statement-breakpoint
CREATE INDEX `claims_bounty_idx` ON `claims` (`bounty_id`);