import { Form } from "@remix-run/react";

/** "Watch" / "Stop watching" a bounty or target: a form to /watch that comes back here. */
export function WatchButton({ subject, id, watching, returnTo }: { subject: "bounty" | "target"; id: number; watching: boolean; returnTo: string }) {
  return (
    <Form method="post" action="/watch" className="watch-form">
      <input type="hidden" name="subject" value={subject} />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="watch" value={watching ? "0" : "1"} />
      <input type="hidden" name="returnTo" value={returnTo} />
      <button type="submit" className="button button--secondary">
        {watching ? "Stop watching" : "Watch"}
      </button>
    </Form>
  );
}
