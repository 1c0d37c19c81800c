DROP INDEX `bounties_github_idx`;--> statement-breakpoint
CREATE INDEX `bounties_github_idx` ON `bounties` (lower("github_repo"),`github_number`);--> statement-breakpoint
DROP INDEX `users_github_login_idx`;--> statement-breakpoint
CREATE INDEX `users_github_login_idx` ON `users` (lower("github_login"));--> statement-breakpoint
CREATE INDEX `github_issues_lower_repo_number_idx` ON `github_issues` (lower("repo"),`number`);--> statement-breakpoint
CREATE INDEX `targets_lower_repo_idx` ON `targets` (lower("repo"));