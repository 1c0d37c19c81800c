-- A bounty's timeline is its public record: events are added, never rewritten.
CREATE TRIGGER `bounty_events_no_update` BEFORE UPDATE ON `bounty_events`
BEGIN
  SELECT RAISE(ABORT, 'append-only: bounty_events rows cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `bounty_events_no_delete` BEFORE DELETE ON `bounty_events`
BEGIN
  SELECT RAISE(ABORT, 'append-only: bounty_events rows cannot be deleted');
END;
