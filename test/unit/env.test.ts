import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../app/env.server";

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
});
