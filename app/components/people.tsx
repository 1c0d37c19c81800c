import { Link } from "@remix-run/react";
import { formatProfilePath } from "../lib/claims";

/** A person's label ("@alice"), linked to their public page when they have one. */
export function PersonLink({ label }: { label: string }) {
  const to = formatProfilePath(label);
  return to ? <Link to={to}>{label}</Link> : <>{label}</>;
}
