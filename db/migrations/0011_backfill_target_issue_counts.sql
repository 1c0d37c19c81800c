-- Fill the new per-target counts from the existing links.
UPDATE `targets` SET
  `open_issues` = (SELECT count(*) FROM `target_issues` ti JOIN `github_issues` gi ON gi.`id` = ti.`issue_id` WHERE ti.`target_id` = `targets`.`id` AND gi.`state` = 'open'),
  `closed_issues` = (SELECT count(*) FROM `target_issues` ti JOIN `github_issues` gi ON gi.`id` = ti.`issue_id` WHERE ti.`target_id` = `targets`.`id` AND gi.`state` <> 'open');
