// Calls a route's loader or action with a real Request, the way Remix does, and returns
// the Response whether the route returned it or threw it.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

type Handler = (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown;

export const BASE = "http://localhost:3000";

export async function call(handler: Handler, pathAndQuery: string, params: Record<string, string> = {}, init?: RequestInit): Promise<Response> {
  const request = new Request(new URL(pathAndQuery, BASE), init);
  try {
    const result = await handler({ request, params, context: { cspNonce: "", clientIp: "127.0.0.1" } });
    if (result instanceof Response) return result;
    return new Response(JSON.stringify(result), { status: 200, headers: { "Content-Type": "application/json" } });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** What a form reader refused with: the thrown Response's status and message (fails if it read the form). */
export async function formRefusal(promise: Promise<unknown>): Promise<{ status: number; message: string; headers: Headers }> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, message: (await thrown.json()).message, headers: thrown.headers };
    throw thrown;
  }
  throw new Error("expected the form to be refused, but it was read");
}
