ALTER TABLE `expenses` ADD `demo` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `demo` integer DEFAULT false NOT NULL;--> statement-breakpoint
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
