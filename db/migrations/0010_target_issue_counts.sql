ALTER TABLE `targets` ADD `open_issues` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `targets` ADD `closed_issues` integer DEFAULT 0 NOT NULL;