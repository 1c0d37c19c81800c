import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  useLocation,
  Link,
  Form,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { getUser } from "./auth/session.server";
import { ResultMessage } from "./components/form";
import { useNonce } from "./components/nonce";
import { db } from "./db.server";
import { clearFlashCookie, readFlash } from "./lib/flash.server";
import { SITE_DESCRIPTION } from "./lib/meta";
import { webPerson } from "./models/audit.server";
import { hasDemoData } from "./models/ledger.server";
import { countUnread } from "./models/notifications.server";
import { countQueue, hasQueue } from "./models/queue.server";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

const TITLES: Record<number, string> = {
  400: "That request didn't make sense to us",
  403: "You don't have access to this",
  404: "We couldn't find that page",
  405: "That isn't allowed here",
};

export const meta: MetaFunction = ({ error }) => {
  // An error page has its own title (the boundary below shows the same words).
  if (error) {
    const status = isRouteErrorResponse(error) ? error.status : 500;
    return [{ title: `${TITLES[status] ?? "Something went wrong"} · Club Zero` }, { name: "description", content: SITE_DESCRIPTION }];
  }
  return [{ title: "Club Zero · SPIFFE integrations, claimed and finished" }, { name: "description", content: SITE_DESCRIPTION }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  // A message an action sent across its redirect: shown once, then its cookie is cleared.
  const flash = readFlash(request);
  const person = user && webPerson(user);
  return json(
    {
      user: user && { username: user.username, displayName: user.displayName, roles: user.roles, unread: countUnread(db, user.id) },
      queue: person && hasQueue(person) ? countQueue(db, person) : null,
      demo: hasDemoData(db),
      flash,
    },
    flash ? { headers: { "Set-Cookie": clearFlashCookie() } } : undefined,
  );
}

/**
 * The message an action sent across its redirect, shown on the page it arrived with and on
 * no other: the root loader does not run again on a plain link, so its data would otherwise
 * follow the person to the next page.
 */
function FlashMessage({ flash }: { flash: { tone: "ok" | "error"; message: string } | null }) {
  const { key } = useLocation();
  const [arrival, setArrival] = useState(() => ({ flash, key }));
  if (arrival.flash !== flash) setArrival({ flash, key });
  if (!flash || arrival.flash !== flash || arrival.key !== key) return null;
  return (
    <ResultMessage tone={flash.tone} trigger={flash}>
      {flash.message}
    </ResultMessage>
  );
}

/**
 * After a client-side navigation, says the new page's title (a live region) and moves focus
 * to its main heading, as a full page load would start a screen reader at the top. A result
 * message that took focus itself (components/form.tsx, `data-result`) keeps it.
 */
function RouteAnnouncer() {
  const location = useLocation();
  const [said, setSaid] = useState("");
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    setSaid(document.title);
    if (document.activeElement?.closest("[data-result]")) return;
    const heading = document.querySelector<HTMLElement>("main h1");
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [location.pathname]);
  return (
    <p className="sr-only" aria-live="polite" aria-atomic="true">
      {said}
    </p>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // Absent when the root loader itself failed; the layout then shows no account links.
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user ?? null;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container site-header__inner">
            <Link to="/" className="brand">
              <span className="brand__mark" aria-hidden="true">
                0
              </span>
              Club Zero
            </Link>
            <nav aria-label="Main">
              <ul className="nav">
                <li>
                  <NavLink to="/targets">Catalog</NavLink>
                </li>
                <li>
                  <NavLink to="/bounties" end>
                    Bounties
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/tutorials">Tutorials</NavLink>
                </li>
                <li>
                  <NavLink to="/packages">Packages</NavLink>
                </li>
                <li>
                  <NavLink to="/fund">Fund</NavLink>
                </li>
                <li>
                  <NavLink to="/personas">Ways to help</NavLink>
                </li>
                <li>
                  <NavLink to="/appreciation">Thanks</NavLink>
                </li>
                {user ? (
                  <li>
                    <NavLink to="/me">My work</NavLink>
                  </li>
                ) : null}
                {data?.queue != null ? (
                  <li>
                    <NavLink to="/queue">
                      Queue{" "}
                      <span className="count">
                        {data.queue}
                        <span className="sr-only"> waiting</span>
                      </span>
                    </NavLink>
                  </li>
                ) : null}
                {user?.roles.includes("ssc") || user?.roles.includes("admin") ? (
                  <li>
                    <NavLink to="/suggestions">Suggested issues</NavLink>
                  </li>
                ) : null}
                {user?.roles.includes("admin") ? (
                  <li>
                    <NavLink to="/admin">Admin</NavLink>
                  </li>
                ) : null}
                {user ? (
                  <>
                    <li>
                      {/* the name is the visible text plus " unread" for screen readers (axe: label-content-name-mismatch) */}
                      <NavLink to="/notifications">
                        Notifications
                        {user.unread > 0 ? (
                          <>
                            {" "}
                            <span className="badge badge--count">
                              {user.unread}
                              <span className="sr-only"> unread</span>
                            </span>
                          </>
                        ) : null}
                      </NavLink>
                    </li>
                    <li>
                      <NavLink to="/settings" aria-label={`Settings for @${user.username}`}>
                        @{user.username}
                      </NavLink>
                    </li>
                    <li>
                      <Form method="post" action="/logout">
                        <button type="submit">Sign out</button>
                      </Form>
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <NavLink to="/login">Sign in</NavLink>
                    </li>
                    <li>
                      <NavLink to="/join">Join</NavLink>
                    </li>
                  </>
                )}
              </ul>
            </nav>
          </div>
        </header>
        {data?.demo ? (
          <p className="demo-banner">
            <strong>Demo data:</strong> the fund figures on this site include made-up demo history, marked “demo” wherever it shows. It is not real money.
          </p>
        ) : null}
        <main id="main" className="container">
          <FlashMessage flash={data?.flash ?? null} />
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">Club Zero is run by the SPIFFE community. Talk to us in #clubzero on the SPIFFE Slack.</div>
        </footer>
        <RouteAnnouncer />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const message = typeof error.data === "string" && error.data ? error.data : typeof error.data?.message === "string" ? error.data.message : null;
    return (
      <section className="error-page">
        <p className="eyebrow">Error {error.status}</p>
        <h1>{TITLES[error.status] ?? (error.statusText || "Something went wrong")}</h1>
        {message ? <p>{message}</p> : null}
        <p>
          <Link to="/targets">Browse the catalog</Link> or <Link to="/">go to the start page</Link>.
        </p>
      </section>
    );
  }
  // Unexpected errors: a calm page here, the stack in the server log (handleError).
  return (
    <section className="error-page">
      <p className="eyebrow">Error 500</p>
      <h1>Something went wrong on our side</h1>
      <p>It has been logged. Please try again in a moment.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
}
