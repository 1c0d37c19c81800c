-- Markdown is rendered once, when it is written, and stored next to its source
-- (bounty_events.note_html, bounties.description_html). A SQL migration cannot run
-- markdown-it, so rows older than the columns are filled in code by db/migrate.ts right
-- after the migrations; from here on the database refuses a row without its rendering.
--
-- The timeline stays append-only: the only change allowed to a bounty_events row is
-- giving a note its rendering once (null -> HTML), every other column unchanged.
DROP TRIGGER `bounty_events_no_update`;
--> statement-breakpoint
CREATE TRIGGER `bounty_events_no_update` BEFORE UPDATE ON `bounty_events`
WHEN NOT (
  OLD.`note_html` IS NULL AND NEW.`note_html` IS NOT NULL AND OLD.`note` IS NOT NULL
  AND NEW.`id` IS OLD.`id` AND NEW.`bounty_id` IS OLD.`bounty_id` AND NEW.`type` IS OLD.`type`
  AND NEW.`actor_user_id` IS OLD.`actor_user_id` AND NEW.`actor_label` IS OLD.`actor_label`
  AND NEW.`source` IS OLD.`source` AND NEW.`note` IS OLD.`note` AND NEW.`links_json` IS OLD.`links_json`
  AND NEW.`external_key` IS OLD.`external_key` AND NEW.`created_at` IS OLD.`created_at`
)
BEGIN
  SELECT RAISE(ABORT, 'append-only: bounty_events rows cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `bounty_events_note_rendered` BEFORE INSERT ON `bounty_events`
WHEN (NEW.`note` IS NULL) <> (NEW.`note_html` IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'bounty_events: a note is stored with its rendering (note_html), and only a note has one');
END;
--> statement-breakpoint
CREATE TRIGGER `bounties_description_rendered` BEFORE INSERT ON `bounties`
WHEN NEW.`description_html` IS NULL
BEGIN
  SELECT RAISE(ABORT, 'bounties: a description is stored with its rendering (description_html)');
END;
--> statement-breakpoint
CREATE TRIGGER `bounties_description_rerendered` BEFORE UPDATE OF `description`, `description_html` ON `bounties`
WHEN NEW.`description_html` IS NULL OR (NEW.`description` IS NOT OLD.`description` AND NEW.`description_html` IS OLD.`description_html`)
BEGIN
  SELECT RAISE(ABORT, 'bounties: a changed description is stored with its new rendering (description_html)');
END;
