// npm run user:add -- <username> [--role admin] [--role ssc] [--email a@b.org] [--name "Display Name"]
// Creates an account from the command line, e.g. the first admin. The password comes
// from CLUBZERO_PASSWORD, or is asked for on the terminal.
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { hashPassword } from "~/app/auth/password.server";
import { db } from "~/app/db.server";
import { cliActor } from "~/app/models/audit.server";
import { DomainError } from "~/app/models/errors";
import { createUser } from "~/app/models/users.server";
import { JoinSchema } from "~/app/schemas/account";
import { runMigrations } from "../migrate";
import { GRANTABLE_ROLES } from "../schema";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: "string", multiple: true, default: [] },
    email: { type: "string" },
    name: { type: "string" },
  },
});
const username = positionals[0];
if (!username || positionals.length > 1) {
  fail('Usage: npm run user:add -- <username> [--role admin|ssc|packager ...] [--email you@example.org] [--name "Your Name"]');
}
const roles = z.array(z.enum(GRANTABLE_ROLES)).safeParse(values.role);
if (!roles.success) fail(`--role must be one of: ${GRANTABLE_ROLES.join(", ")}`);

async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) fail("Set CLUBZERO_PASSWORD, or run this in a terminal to be asked for the password.");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const password = await rl.question(`Password for ${username}: `);
  rl.close();
  return password;
}

const password = process.env.CLUBZERO_PASSWORD ?? (await askPassword());
const parsed = JoinSchema.safeParse({
  username,
  displayName: values.name ?? username,
  email: values.email ?? `${username}@users.club-zero.invalid`,
  password,
});
if (!parsed.success) fail(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("\n"));

runMigrations(db);
try {
  const user = createUser(db, cliActor, {
    username: parsed.data.username,
    displayName: parsed.data.displayName,
    email: parsed.data.email,
    passwordHash: await hashPassword(parsed.data.password),
    roles: roles.data,
    // The operator typing --email vouches for it; the placeholder address stays unverified.
    emailVerified: values.email !== undefined,
  });
  console.log(`Created @${user.username} with roles: ${user.roles.join(", ")}.`);
} catch (error) {
  if (error instanceof DomainError) fail(error.message);
  throw error;
}
