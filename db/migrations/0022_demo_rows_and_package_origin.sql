PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_packages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`software_id` integer NOT NULL,
	`distro` text NOT NULL,
	`release` text DEFAULT '' NOT NULL,
	`package_name` text NOT NULL,
	`version` text NOT NULL,
	`url` text,
	`notes` text,
	`origin` text DEFAULT 'distribution' NOT NULL,
	`maintainer_user_id` integer,
	`maintainer_name` text,
	`retired_at` integer,
	`seed_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`software_id`) REFERENCES `software`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`maintainer_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "packages_distro_check" CHECK("__new_packages"."distro" in ('debian', 'ubuntu', 'fedora', 'epel', 'alpine', 'arch', 'nixpkgs', 'homebrew', 'wolfi', 'helm', 'container', 'other')),
	CONSTRAINT "packages_origin_check" CHECK("__new_packages"."origin" in ('distribution', 'third-party'))
);
--> statement-breakpoint
INSERT INTO `__new_packages`("id", "software_id", "distro", "release", "package_name", "version", "url", "notes", "origin", "maintainer_user_id", "maintainer_name", "retired_at", "seed_key", "created_at", "updated_at") SELECT "id", "software_id", "distro", "release", "package_name", "version", "url", "notes", 'distribution', "maintainer_user_id", "maintainer_name", "retired_at", "seed_key", "created_at", "updated_at" FROM `packages`;--> statement-breakpoint
DROP TABLE `packages`;--> statement-breakpoint
ALTER TABLE `__new_packages` RENAME TO `packages`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `packages_identity_unique` ON `packages` (`software_id`,`distro`,`release`,`package_name`) WHERE "packages"."retired_at" is null;--> statement-breakpoint
CREATE INDEX `packages_maintainer_idx` ON `packages` (`maintainer_user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `packages_seed_key_unique` ON `packages` (`seed_key`);--> statement-breakpoint
ALTER TABLE `expenses` ADD `demo` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `demo` integer DEFAULT false NOT NULL;;--> statement-breakpoint
-- The seeded packages built in spiffe/spire-examples (RPMs, and debs converted from them) are a
-- third party's repository, not the distributions' own archives.
UPDATE `packages` SET `origin` = 'third-party' WHERE `seed_key` IS NOT NULL AND `url` LIKE 'https://github.com/spiffe/spire-examples/%';
--> statement-breakpoint
-- Mark the demo history seeded before this column existed (references DEMO-…, memo "demo data";
-- expenses of the demo people, whose addresses are @demo.club-zero.invalid). The ledger is
-- append-only, so its guard is lifted for this one statement and put back at once.
DROP TRIGGER `ledger_entries_no_update`;
--> statement-breakpoint
UPDATE `ledger_entries` SET `demo` = 1 WHERE `reference` LIKE 'DEMO-%' AND `memo` = 'demo data';
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_no_update` BEFORE UPDATE ON `ledger_entries`
BEGIN
  SELECT RAISE(ABORT, 'append-only: ledger_entries rows cannot be changed');
END;
--> statement-breakpoint
UPDATE `expenses` SET `demo` = 1 WHERE `requester_user_id` IN (SELECT `id` FROM `users` WHERE `email` LIKE '%@demo.club-zero.invalid');
