// What reaches the operator's log as "unexpected error" (app/entry.server.tsx's handleError):
// a loader's or action's real failure, with its path and message; never a page that is not
// there or a client that went away, which would page someone for nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handleError } from "~/app/entry.server";
import { captureLog, type CapturedLog } from "../support/log";

let log: CapturedLog;
beforeEach(() => {
  log = captureLog();
});
afterEach(() => log.stop());

const args = (request: Request) => ({ request, params: {}, context: { cspNonce: "test-nonce", clientIp: "127.0.0.1" } });
/** What Remix hands over for an address no route matches (its ErrorResponse, status and text). */
const routeError = (status: number, statusText: string) => ({ status, statusText, internal: true, data: `${statusText}: /no/such/page` });

describe("the unexpected-error log", () => {
  it("a loader's error is logged with the method, the path and the message", () => {
    handleError(new Error("database disk image is malformed"), args(new Request("http://localhost/targets/kafka?tab=issues", { method: "GET" })));
    expect(log.lines()).toEqual([
      {
        at: expect.any(String),
        event: "request.error",
        method: "GET",
        path: "/targets/kafka",
        error: "database disk image is malformed",
        stack: expect.stringContaining("Error: database disk image is malformed"),
        msg: "unexpected error",
      },
    ]);
  });

  it("an address with no page (404) or no form (405) is not logged as an error", () => {
    handleError(routeError(404, "Not Found"), args(new Request("http://localhost/no/such/page")));
    handleError(routeError(405, "Method Not Allowed"), args(new Request("http://localhost/", { method: "POST" })));
    expect(log.lines()).toEqual([]);
  });

  it("a server-side error answer is logged with its status, not as [object Object]", () => {
    handleError(routeError(500, "Internal Server Error"), args(new Request("http://localhost/fund")));
    expect(log.events("request.error")).toEqual([expect.objectContaining({ path: "/fund", error: "500 Internal Server Error" })]);
  });

  it("a request whose client went away is not logged", () => {
    const gone = new AbortController();
    gone.abort();
    handleError(new Error("aborted"), args(new Request("http://localhost/bounties", { signal: gone.signal })));
    expect(log.lines()).toEqual([]);
  });
});
