// The one reader every form goes through (app/schemas/form.ts readForm), with real Requests.
import { describe, expect, it } from "vitest";
import { formToObject, readForm } from "~/app/schemas/form";
import { formRefusal } from "../support/remix";

const URLENCODED = { "Content-Type": "application/x-www-form-urlencoded" };

/** A body streamed in `chunks` pieces with no Content-Length; counts how many pieces were pulled. */
function streamedBody(piece: Uint8Array, chunks: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled += 1;
      controller.enqueue(piece);
    },
  });
  return { body, pulled: () => pulled };
}

describe("reading a submitted form", () => {
  it("a form of 60,000 fields is refused with 413 and a reason, in well under a second", async () => {
    const body = Array.from({ length: 60_000 }, (_, i) => `f${i}=x`).join("&");
    const start = performance.now();
    const refused = await formRefusal(readForm(new Request("http://localhost/login", { method: "POST", headers: URLENCODED, body })));
    expect(performance.now() - start).toBeLessThan(500);
    expect(refused.status).toBe(413);
    expect(refused.message).toBe("That form has too many fields: the limit is 200.");
    expect(refused.headers.get("connection")).toBe("close");
  });

  it("a form of 200 fields is still read", async () => {
    const body = Array.from({ length: 200 }, (_, i) => `f${i}=${i}`).join("&");
    const form = await readForm(new Request("http://localhost/login", { method: "POST", headers: URLENCODED, body }));
    expect([...form.keys()]).toHaveLength(200);
    expect(form.get("f199")).toBe("199");
  });

  it("a multipart form of 201 fields is refused with 413 while it is read", async () => {
    const form = new FormData();
    for (let i = 0; i < 201; i++) form.append(`f${i}`, "x");
    const refused = await formRefusal(readForm(new Request("http://localhost/settings", { method: "POST", body: form })));
    expect(refused.status).toBe(413);
    expect(refused.message).toBe("That form has too many fields: the limit is 200.");
  });

  it("a streamed form body with no length is cut off at 1 MiB with 413, without reading the rest", async () => {
    const piece = new TextEncoder().encode(`a=${"x".repeat(64 * 1024 - 3)}&`); // 64 KiB a piece
    const { body, pulled } = streamedBody(piece, 64); // 4 MiB in all
    const request = new Request("http://localhost/login", { method: "POST", headers: URLENCODED, body, duplex: "half" } as RequestInit);
    const refused = await formRefusal(readForm(request));
    expect(refused.status).toBe(413);
    expect(refused.message).toBe("That form is too large: the limit is 1 MiB.");
    expect(pulled()).toBeLessThan(20);
  });

  it("a form that attaches a file where none is expected is refused with 400", async () => {
    const form = new FormData();
    form.set("intent", "profile");
    form.set("avatar", new File(["x"], "x.png", { type: "image/png" }));
    const refused = await formRefusal(readForm(new Request("http://localhost/settings", { method: "POST", body: form })));
    expect(refused).toMatchObject({ status: 400, message: "This form takes no files." });
  });

  it("an ordinary form sent as multipart keeps every value it carries", async () => {
    const form = new FormData();
    form.set("intent", "profile");
    form.set("displayName", "Alice Doe");
    const read = await readForm(new Request("http://localhost/settings", { method: "POST", body: form }));
    expect(formToObject(read)).toEqual({ intent: "profile", displayName: "Alice Doe" });
  });

  it("UTF-8 text, plus signs and percent escapes are decoded as a browser sent them", async () => {
    const body = new URLSearchParams({ displayName: "Zoë + 李", note: "100% sure & done" }).toString();
    const form = await readForm(new Request("http://localhost/settings", { method: "POST", headers: URLENCODED, body }));
    expect(formToObject(form)).toEqual({ displayName: "Zoë + 李", note: "100% sure & done" });
  });
});

describe("turning a form into an object", () => {
  it("50,000 entries take one pass (well under a second), not a lookup per field", () => {
    const form = new FormData();
    for (let i = 0; i < 50_000; i++) form.append(`f${i}`, "x");
    const start = performance.now();
    const object = formToObject(form);
    expect(performance.now() - start).toBeLessThan(500);
    expect(Object.keys(object)).toHaveLength(50_000);
  });

  it("checkbox fields become arrays, others keep their first value, and __proto__ is just a field", () => {
    const form = new FormData();
    form.append("personas", "developer");
    form.append("title", "First");
    form.append("personas", "operator");
    form.append("title", "Second");
    form.append("__proto__", "polluted");
    form.append("file", new File(["x"], "x.txt"));
    const object = formToObject(form, ["personas", "none"]);
    expect(object).toEqual({ personas: ["developer", "operator"], title: "First", ["__proto__"]: "polluted" });
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object)).toEqual(["personas", "title", "__proto__"]);
  });
});
