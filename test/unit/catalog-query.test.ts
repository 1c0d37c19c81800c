import { describe, expect, it } from "vitest";
import { CatalogQuerySchema, parseSearchParams } from "~/app/schemas/catalog";
import { MatrixQuerySchema } from "~/app/schemas/packages";

const parse = (qs: string) => parseSearchParams(CatalogQuerySchema, new URLSearchParams(qs));

describe("catalog query parameters", () => {
  it("defaults to relevance order on page 1", () => {
    expect(parse("")).toEqual({ ok: true, data: { sort: "relevance", page: 1 } });
  });

  it("accepts every documented filter", () => {
    expect(parse("persona=packager&category=proxy&status=native&q=envoy&sort=name&page=2")).toEqual({
      ok: true,
      data: { persona: "packager", category: "proxy", status: "native", q: "envoy", sort: "name", page: 2 },
    });
  });

  it("treats empty values as 'any', as an unselected dropdown sends them", () => {
    expect(parse("persona=&status=&q=")).toEqual({ ok: true, data: { sort: "relevance", page: 1 } });
  });

  it("names the parameter and value when a status is unknown", () => {
    const result = parse("status=bogus");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ param: "status", value: "bogus" });
    expect(result.errors[0]?.message).toContain('"bogus" is not a valid status');
    expect(result.errors[0]?.message).toContain("native, partial, requested, none");
  });

  it("reports each bad parameter", () => {
    const result = parse("persona=wizard&sort=random&page=-1");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.param).sort()).toEqual(["page", "persona", "sort"]);
  });

  it("refuses a search longer than 100 characters, calling the field by the form's word for it", () => {
    const long = "a".repeat(101);
    expect(parse(`q=${long}`)).toEqual({
      ok: false,
      errors: [{ param: "q", value: long, message: `"${long}" is not a valid search: must be 100 characters or fewer.` }],
    });
  });

  it("a shared field's whole sentence reads as the end of the message: no capital after the colon, one full stop", () => {
    const result = parseSearchParams(MatrixQuerySchema, new URLSearchParams("since=notadate"));
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          param: "since",
          value: "notadate",
          message: '"notadate" is not a valid \u201coutdated since\u201d day: give the day as a real date like 2026-03-01.',
        },
      ],
    });
  });
});
