import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/app/env.server";

describe("configuration", () => {
  it("uses port 3000 and ./data/club-zero.sqlite when nothing is set", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_PATH).toBe("./data/club-zero.sqlite");
  });

  it("refuses a non-numeric PORT and names the variable and the value", () => {
    expect(() => parseEnv({ PORT: "abc" })).toThrowError(EnvError);
    expect(() => parseEnv({ PORT: "abc" })).toThrowError(/PORT="abc": must be a whole number from 1 to 65535/);
  });

  it("refuses ports outside 1-65535", () => {
    expect(() => parseEnv({ PORT: "70000" })).toThrowError(/PORT/);
    expect(() => parseEnv({ PORT: "0" })).toThrowError(/PORT/);
  });

  it("lists every bad variable at once", () => {
    try {
      parseEnv({ PORT: "x", NODE_ENV: "staging" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const names = (error as EnvError).problems.map((p) => p.split("=")[0]);
      expect(names.sort()).toEqual(["NODE_ENV", "PORT"]);
    }
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv({ PORT: "" }).PORT).toBe(3000);
  });

  it("believes no proxy unless TRUST_PROXY says so", () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: "" }).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: "0" }).TRUST_PROXY).toBe(false);
  });

  it.each([
    ["1", 1],
    ["2", 2],
    ["loopback", ["loopback"]],
    ["127.0.0.1,10.0.0.0/8", ["127.0.0.1", "10.0.0.0/8"]],
    [" 127.0.0.1 , ::1/128 ", ["127.0.0.1", "::1/128"]],
    ["fd00::/8,uniquelocal,linklocal", ["fd00::/8", "uniquelocal", "linklocal"]],
  ])("accepts TRUST_PROXY=%j as a hop count or a list of addresses", (value, expected) => {
    expect(parseEnv({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it.each(["true", "yes", "-1", "1.5", "1000", "10.0.0.0/33", "::1/129", "10.0.0.0/8/8", "1.2.3", "localhost", "loopback,", "127.0.0.1;10.0.0.1"])(
    "refuses TRUST_PROXY=%j and names the variable",
    (value) => {
      expect(() => parseEnv({ TRUST_PROXY: value })).toThrowError(EnvError);
      expect(() => parseEnv({ TRUST_PROXY: value })).toThrowError(
        `TRUST_PROXY=${JSON.stringify(value)}: must be a number of proxies in front of the app (e.g. 1), or addresses and CIDR ranges`,
      );
    },
  );

  it("takes smtp:// and smtps:// mail URLs and derives MAIL_FROM from APP_ORIGIN", () => {
    const env = parseEnv({ SMTP_URL: "smtp://user:secret@mail.example.org:587", APP_ORIGIN: "https://clubzero.example.org" });
    expect(env.SMTP_URL).toBe("smtp://user:secret@mail.example.org:587");
    expect(env.MAIL_FROM).toBe("Club Zero <noreply@clubzero.example.org>");
    expect(parseEnv({ SMTP_URL: "smtps://u:p@mail.example.org", MAIL_FROM: "SPIFFE <club@example.org>" }).MAIL_FROM).toBe("SPIFFE <club@example.org>");
    expect(parseEnv({}).SMTP_URL).toBeUndefined();
  });

  it.each(["http://u:hunter2secret@mail.test", "smtp://:hunter2secret@", "hunter2secret@mail.test:587", "smtp//user:hunter2secret@host"])(
    "refuses SMTP_URL=%j naming the variable but never repeating its value (it may hold a password)",
    (value) => {
      try {
        parseEnv({ SMTP_URL: value });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(EnvError);
        const message = (error as EnvError).message;
        expect(message).toContain("SMTP_URL=(hidden): must be a URL such as smtp://");
        expect(message).not.toContain("hunter2secret");
      }
    },
  );

  it("refuses a MAIL_FROM that is not an address, and job timings out of range", () => {
    expect(() => parseEnv({ MAIL_FROM: "nobody" })).toThrowError(/MAIL_FROM="nobody": must be an address/);
    expect(() => parseEnv({ JOB_LEASE_MS: "10" })).toThrowError(/JOB_LEASE_MS="10": must be at least 1000/);
    expect(() => parseEnv({ OUTBOX_POLL_MS: "soon" })).toThrowError(/OUTBOX_POLL_MS="soon"/);
  });

  it("syncs packages daily from the public sources unless told otherwise, and refuses a bad setting by name", () => {
    expect(parseEnv({})).toMatchObject({
      PACKAGES_SYNC_HOURS: 24,
      REPOLOGY_URL: "https://repology.org",
      HELM_REPO_URL: "https://spiffe.github.io/helm-charts-hardened",
      OCI_REGISTRY_URL: "https://ghcr.io",
    });
    expect(parseEnv({ PACKAGES_SYNC_HOURS: "0" }).PACKAGES_SYNC_HOURS).toBe(0);
    expect(() => parseEnv({ PACKAGES_SYNC_HOURS: "-1" })).toThrowError(/PACKAGES_SYNC_HOURS="-1": must be 0 \(off\) or more/);
    expect(() => parseEnv({ PACKAGES_SYNC_HOURS: "daily" })).toThrowError(/PACKAGES_SYNC_HOURS="daily"/);
    expect(() => parseEnv({ REPOLOGY_URL: "repology" })).toThrowError(/REPOLOGY_URL="repology": must be a URL/);
  });
});
