-- target_issues.open mirrors the linked issue's state, whichever door changed it (webhook,
-- sync, seed, bench generator): set when a link is made, followed when the state changes.
CREATE TRIGGER `target_issues_open_on_link` AFTER INSERT ON `target_issues`
BEGIN
  UPDATE `target_issues` SET `open` = (SELECT `state` = 'open' FROM `github_issues` WHERE `id` = NEW.`issue_id`)
   WHERE `target_id` = NEW.`target_id` AND `issue_id` = NEW.`issue_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `target_issues_open_on_state` AFTER UPDATE OF `state` ON `github_issues`
WHEN OLD.`state` IS NOT NEW.`state`
BEGIN
  UPDATE `target_issues` SET `open` = (NEW.`state` = 'open') WHERE `issue_id` = NEW.`id`;
END;
--> statement-breakpoint
UPDATE `target_issues` SET `open` = (SELECT gi.`state` = 'open' FROM `github_issues` gi WHERE gi.`id` = `target_issues`.`issue_id`);
