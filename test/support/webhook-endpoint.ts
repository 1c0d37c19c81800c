// The webhook endpoint (app/github/endpoint.server.ts) called as a route would be: a web Request
// in, a Response out, through the same code the server runs. Its own file, apart from
// github-webhooks.ts, because it loads the app's database module, which the tests of the built
// server, the browser tests and the bench must not.
import { answerWebhook } from "~/app/github/endpoint.server";

async function* chunksOf(request: Request): AsyncGenerator<Uint8Array> {
  if (!request.body) return;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

export async function webhook({ request }: { request: Request }): Promise<Response> {
  const answer = await answerWebhook({ method: request.method, header: (name) => request.headers.get(name), body: chunksOf(request) });
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { ...answer.headers, "Content-Type": "application/json; charset=utf-8" },
  });
}
