import type { LinksFunction, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { useNonce } from "./components/nonce";
import styles from "./styles/app.css";

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

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
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
                  <NavLink to="/personas">Ways to help</NavLink>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" className="container">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            Club Zero is run by the SPIFFE community. Talk to us in #clubzero on the SPIFFE Slack.
          </div>
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

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const message =
      typeof error.data === "string" && error.data
        ? error.data
        : typeof error.data?.message === "string"
          ? error.data.message
          : null;
    return (
      <section className="error-page">
        <p className="eyebrow">Error {error.status}</p>
        <h1>{error.status === 404 ? "We couldn't find that page" : error.statusText || "Something went wrong"}</h1>
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
