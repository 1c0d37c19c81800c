DROP INDEX `claims_active_login_idx`;--> statement-breakpoint
CREATE INDEX `claims_active_lower_login_idx` ON `claims` (lower("github_login")) WHERE "claims"."ended_at" is null;