// ListLink writes on the server what Remix's Link writes, without Link's hooks: the browser
// hydrates the page with Link, so any difference would be a mismatch on every list.
import { Link } from "@remix-run/react";
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { ListLink } from "~/app/components/links";

const onPage = (node: ReactNode) => renderToString(createElement(StaticRouter, { location: "/bounties?status=open" }, node));

describe("ListLink", () => {
  it.each([
    { to: "/bounties/42", className: undefined },
    { to: "/targets/bench-target-1", className: undefined },
    { to: "/personas/platform-engineer", className: "chip" },
    { to: "/u/ada-l", className: undefined },
    { to: "/packages/software/spire-agent.v1", className: "button button--small" },
  ])("writes the same anchor as Remix's Link for $to, without running Link", ({ to, className }) => {
    const shortcut = ListLink({ to, className, children: "Title & <more>" });
    expect(shortcut.type).toBe("a");
    expect(onPage(shortcut)).toBe(onPage(createElement(Link, { to, className }, "Title & <more>")));
  });

  it.each(["/a/../b", "/a/./b", "/bounties?status=open", "/bounties#top", "/", "/targets/"])(
    "leaves %s, which the router resolves or keeps a query of, to Link",
    (to) => {
      const element = ListLink({ to, children: "x" });
      expect(element.type).toBe(Link);
      expect(onPage(element)).toBe(onPage(createElement(Link, { to }, "x")));
    },
  );
});
