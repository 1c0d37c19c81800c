CREATE TABLE `packages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`software_id` integer NOT NULL,
	`distro` text NOT NULL,
	`release` text DEFAULT '' NOT NULL,
	`package_name` text NOT NULL,
	`version` text NOT NULL,
	`url` text,
	`notes` text,
	`maintainer_user_id` integer,
	`maintainer_name` text,
	`retired_at` integer,
	`seed_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`software_id`) REFERENCES `software`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`maintainer_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "packages_distro_check" CHECK("packages"."distro" in ('debian', 'ubuntu', 'fedora', 'epel', 'alpine', 'arch', 'nixpkgs', 'homebrew', 'wolfi', 'helm', 'container', 'other'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `packages_identity_unique` ON `packages` (`software_id`,`distro`,`release`,`package_name`) WHERE "packages"."retired_at" is null;--> statement-breakpoint
CREATE INDEX `packages_maintainer_idx` ON `packages` (`maintainer_user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `packages_seed_key_unique` ON `packages` (`seed_key`);--> statement-breakpoint
CREATE TABLE `software` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`repo` text,
	`target_id` integer NOT NULL,
	`latest_version` text,
	`latest_version_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `software_slug_unique` ON `software` (`slug`);--> statement-breakpoint
CREATE INDEX `software_repo_idx` ON `software` (`repo`);