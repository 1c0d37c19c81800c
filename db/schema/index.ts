// The database schema, one file per domain; the one source of truth for drizzle-kit.
// The vocabulary (statuses, kinds, roles) lives in app/lib/vocabulary.ts and is re-exported here.
export * from "./catalog";
export * from "./accounts";
export * from "./bounties";
export * from "./github";
export * from "./github-sync";
export * from "./packages";
export * from "./fund";
export * from "./notifications";
export * from "./tutorials";
export * from "~/app/lib/vocabulary";
