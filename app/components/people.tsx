import { formatProfilePath } from "../lib/claims";
import { ListLink } from "./links";

/** A person's label ("@alice"), linked to their public page when they have one. */
export function PersonLink({ label }: { label: string }) {
  const to = formatProfilePath(label);
  return to ? <ListLink to={to}>{label}</ListLink> : <>{label}</>;
}
