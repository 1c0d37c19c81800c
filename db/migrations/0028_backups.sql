CREATE TABLE `backups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`file` text NOT NULL,
	`size_bytes` integer,
	`receipt_files` integer,
	`verified` integer NOT NULL,
	`error` text,
	CONSTRAINT "backups_source_check" CHECK("backups"."source" in ('schedule', 'command')),
	CONSTRAINT "backups_outcome_check" CHECK(("backups"."verified" = 1 and "backups"."error" is null) or ("backups"."verified" = 0 and "backups"."error" is not null))
);
--> statement-breakpoint
CREATE INDEX `backups_finished_idx` ON `backups` (`finished_at`);