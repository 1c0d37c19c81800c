// A refusal seen from outside: the error's HTTP status and sentence, and the database left
// exactly as it was (its content digest, as test/support/fingerprint.ts computes it).
import { expect } from "vitest";
import { contentDigest } from "./fingerprint";
import type Database from "better-sqlite3";

export function refusal(conn: Database.Database, act: () => unknown): { status: number; message: string } {
  const before = contentDigest(conn);
  try {
    act();
  } catch (error) {
    expect(contentDigest(conn)).toBe(before);
    const e = error as { status: number; message: string };
    return { status: e.status, message: e.message };
  }
  throw new Error("expected a refusal");
}
