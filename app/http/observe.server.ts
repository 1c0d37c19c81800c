// Every request gets an id (X-Request-Id, sent back), one JSON log line when its answer is
// finished, and its place in the request metrics, all keyed by route pattern, never by raw URL.
import crypto from "node:crypto";
import { logEvent } from "../log.server";
import { httpDuration, httpRequests } from "./metrics.server";
import type { NextFunction, Request, Response } from "express";

/** An id a proxy in front already gave the request is kept if it looks like one. */
const INCOMING_ID = /^[\w.:-]{8,128}$/;

export function observeRequests(routeOf: (pathname: string) => string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    const incoming = req.get("x-request-id");
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeOf(req.path);
      httpRequests.inc({ method: req.method, route, status_class: `${Math.floor(res.statusCode / 100)}xx` });
      httpDuration.observe({ method: req.method, route }, seconds);
      logEvent("http.request", {
        requestId,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 10_000) / 10,
        cache: (res.getHeader("x-page-cache") as string | undefined) ?? undefined,
      });
    });
    next();
  };
}
