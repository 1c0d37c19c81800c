-- The key that signs one-click unsubscribe links, made once per database, so that reading a
-- page never has to write it (GET requests change nothing) and every process signs alike.
INSERT OR IGNORE INTO `app_keys` (`name`, `value`, `created_at`) VALUES ('unsubscribe', lower(hex(randomblob(32))), CAST(unixepoch('subsec') * 1000 AS INTEGER));
