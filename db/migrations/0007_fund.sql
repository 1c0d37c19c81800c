CREATE TABLE `expense_votes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`expense_id` integer NOT NULL,
	`round` integer NOT NULL,
	`voter_user_id` integer NOT NULL,
	`vote` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`expense_id`) REFERENCES `expenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voter_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "expense_votes_vote_check" CHECK("expense_votes"."vote" in ('approve', 'reject', 'changes'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `expense_votes_one_per_round` ON `expense_votes` (`expense_id`,`round`,`voter_user_id`);--> statement-breakpoint
CREATE TABLE `expenses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`requester_user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`event` text NOT NULL,
	`category` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`spent_on` text NOT NULL,
	`description` text NOT NULL,
	`bounty_id` integer,
	`target_id` integer,
	`pre_approval_id` integer,
	`public_requester` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`payment_reference` text,
	`paid_on` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`requester_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`bounty_id`) REFERENCES `bounties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pre_approval_id`) REFERENCES `expenses`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "expenses_amount_check" CHECK(typeof("expenses"."amount_cents") = 'integer' and "expenses"."amount_cents" > 0),
	CONSTRAINT "expenses_status_check" CHECK("expenses"."status" in ('draft', 'submitted', 'approved', 'rejected', 'changes_requested', 'paid', 'cancelled')),
	CONSTRAINT "expenses_category_check" CHECK("expenses"."category" in ('travel', 'lodging', 'registration', 'event-catering', 'swag', 'infrastructure', 'security-audit', 'other')),
	CONSTRAINT "expenses_kind_check" CHECK("expenses"."kind" in ('pre_approval', 'reimbursement'))
);
--> statement-breakpoint
CREATE INDEX `expenses_status_idx` ON `expenses` (`status`);--> statement-breakpoint
CREATE INDEX `expenses_requester_idx` ON `expenses` (`requester_user_id`);--> statement-breakpoint
CREATE INDEX `expenses_bounty_idx` ON `expenses` (`bounty_id`);--> statement-breakpoint
CREATE INDEX `expenses_target_idx` ON `expenses` (`target_id`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`occurred_on` text NOT NULL,
	`donor` text,
	`reference` text,
	`expense_id` integer,
	`reverses_entry_id` integer,
	`memo` text,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`expense_id`) REFERENCES `expenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reverses_entry_id`) REFERENCES `ledger_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_entries_amount_integer" CHECK(typeof("ledger_entries"."amount_cents") = 'integer'),
	CONSTRAINT "ledger_entries_kind_check" CHECK("ledger_entries"."kind" in ('donation', 'reimbursement', 'reversal')),
	CONSTRAINT "ledger_entries_sign_check" CHECK(("ledger_entries"."kind" = 'donation' and "ledger_entries"."amount_cents" > 0) or ("ledger_entries"."kind" = 'reimbursement' and "ledger_entries"."amount_cents" < 0) or ("ledger_entries"."kind" = 'reversal' and "ledger_entries"."amount_cents" <> 0 and "ledger_entries"."reverses_entry_id" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_donation_reference_unique` ON `ledger_entries` (`reference`) WHERE "ledger_entries"."kind" = 'donation' and "ledger_entries"."reference" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_expense_payment_unique` ON `ledger_entries` (`expense_id`) WHERE "ledger_entries"."kind" = 'reimbursement';--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_reversal_unique` ON `ledger_entries` (`reverses_entry_id`);--> statement-breakpoint
CREATE INDEX `ledger_entries_occurred_idx` ON `ledger_entries` (`occurred_on`);--> statement-breakpoint
CREATE TABLE `receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`expense_id` integer NOT NULL,
	`stored_name` text NOT NULL,
	`original_name` text NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`uploaded_by_user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`expense_id`) REFERENCES `expenses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `receipts_stored_name_unique` ON `receipts` (`stored_name`);--> statement-breakpoint
CREATE INDEX `receipts_expense_idx` ON `receipts` (`expense_id`);