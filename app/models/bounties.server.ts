// Bounties: commands (every change, one transaction each) and queries (the board, pages,
// feeds), re-exported here so that callers import one module.
export * from "./bounty-commands.server";
export * from "./bounty-queries.server";
