import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
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
import { getUser } from "./auth/session.server";
import { useNonce } from "./components/nonce";
import { db } from "./db.server";
import { countUnread } from "./models/notifications.server";
import styles from "./styles/app.css";
import type { ReactNode } from "react";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Club Zero · SPIFFE integrations, claimed and finished" },
  {
    name: "description",
    content: "Club Zero is where the SPIFFE community tracks the integrations, packages and docs that make workload identity the default everywhere.",
  },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  return json({
    user: user && { username: user.username, displayName: user.displayName, roles: user.roles, unread: countUnread(db, user.id) },
  });
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // Absent when the root loader itself failed; the layout then shows no account links.
  const user = useRouteLoaderData<typeof loader>("root")?.user ?? null;
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
            <Link to="/" className="brand" aria-label="Club Zero home">
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
                {user?.roles.includes("ssc") || user?.roles.includes("admin") ? (
                  <li>
                    <NavLink to="/bounties/proposals">Proposals</NavLink>
                  </li>
                ) : null}
                {user?.roles.includes("ssc") ? (
                  <li>
                    <NavLink to="/ssc">Votes</NavLink>
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
                      <NavLink to="/notifications" aria-label={user.unread > 0 ? `Notifications, ${user.unread} unread` : "Notifications"}>
                        Notifications{user.unread > 0 ? <span className="badge badge--count">{user.unread}</span> : null}
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
        <main id="main" className="container">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">Club Zero is run by the SPIFFE community. Talk to us in #clubzero on the SPIFFE Slack.</div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

const TITLES: Record<number, string> = {
  400: "That request didn't make sense to us",
  403: "You don't have access to this",
  404: "We couldn't find that page",
  405: "That isn't allowed here",
};

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
