CREATE TABLE `package_source_responses` (
	`url` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`etag` text,
	`last_modified` text,
	`body` text NOT NULL,
	`fetched_at` integer NOT NULL,
	CONSTRAINT "package_source_responses_source_check" CHECK("package_source_responses"."source" in ('github', 'repology', 'helm', 'oci'))
);
--> statement-breakpoint
CREATE TABLE `package_sources` (
	`source` text PRIMARY KEY NOT NULL,
	`last_run_at` integer,
	`last_success_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`failures` integer DEFAULT 0 NOT NULL,
	`retry_at` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "package_sources_source_check" CHECK("package_sources"."source" in ('github', 'repology', 'helm', 'oci')),
	CONSTRAINT "package_sources_failures_check" CHECK("package_sources"."failures" >= 0)
);
--> statement-breakpoint
CREATE TABLE `package_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`package_id` integer NOT NULL,
	`previous_version` text,
	`version` text NOT NULL,
	`side` text NOT NULL,
	`source` text,
	`user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`package_id`) REFERENCES `packages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "package_versions_side_check" CHECK("package_versions"."side" in ('source', 'person')),
	CONSTRAINT "package_versions_source_check" CHECK("package_versions"."source" is null or "package_versions"."source" in ('github', 'repology', 'helm', 'oci'))
);
--> statement-breakpoint
CREATE INDEX `package_versions_package_idx` ON `package_versions` (`package_id`,`at`);--> statement-breakpoint
ALTER TABLE `packages` ADD `source` text CONSTRAINT "packages_source_check" CHECK("source" is null or "source" in ('github', 'repology', 'helm', 'oci'));--> statement-breakpoint
ALTER TABLE `packages` ADD `found_version` text;--> statement-breakpoint
ALTER TABLE `packages` ADD `found_normalized` text;--> statement-breakpoint
ALTER TABLE `packages` ADD `found_status` text;--> statement-breakpoint
ALTER TABLE `packages` ADD `outdated_since` integer;--> statement-breakpoint
CREATE INDEX `packages_outdated_since_idx` ON `packages` (`outdated_since`);--> statement-breakpoint
ALTER TABLE `software` ADD `repology_name` text;--> statement-breakpoint
ALTER TABLE `software` ADD `chart_name` text;--> statement-breakpoint
ALTER TABLE `software` ADD `image_name` text;--> statement-breakpoint
-- Written by hand: the names SPIFFE's software has in each source, for databases seeded before them
-- (db/seed/packages.json carries the same for new ones).
UPDATE `software` SET `repology_name` = 'spire', `image_name` = 'spiffe/spire-server' WHERE `slug` = 'spire-server';--> statement-breakpoint
UPDATE `software` SET `repology_name` = 'spire', `image_name` = 'spiffe/spire-agent' WHERE `slug` = 'spire-agent';--> statement-breakpoint
UPDATE `software` SET `repology_name` = 'spiffe-helper', `image_name` = 'spiffe/spiffe-helper' WHERE `slug` = 'spiffe-helper';--> statement-breakpoint
UPDATE `software` SET `repology_name` = 'ghostunnel' WHERE `slug` = 'ghostunnel';--> statement-breakpoint
UPDATE `software` SET `image_name` = 'spiffe/spire-controller-manager' WHERE `slug` = 'spire-controller-manager';--> statement-breakpoint
UPDATE `software` SET `image_name` = 'spiffe/spiffe-csi-driver' WHERE `slug` = 'spiffe-csi-driver';--> statement-breakpoint
UPDATE `software` SET `chart_name` = 'spire' WHERE `slug` = 'spiffe-helm-charts';
