// The admin page's audit lines: what a record changed, in words, never its raw JSON.
import { describe, expect, it } from "vitest";
import { describeChanges } from "~/app/lib/audit-changes";

describe("an audit record's changes, in words", () => {
  it("names each field that changed, with both sides, and leaves out the ones that did not", () => {
    const before = JSON.stringify({ displayName: "Bob Builder", email: "bob@example.org", githubLogin: null });
    const after = JSON.stringify({ displayName: "Bob B.", email: "bob@example.org", githubLogin: "bobthebuilder" });
    expect(describeChanges(before, after)).toEqual(["display name: Bob Builder → Bob B.", "GitHub login: none → bobthebuilder"]);
  });

  it("lists, yes/no and empty values read as words", () => {
    expect(describeChanges('{"roles":["contributor"]}', '{"roles":["contributor","ssc"]}')).toEqual(["roles: contributor → contributor, ssc"]);
    expect(describeChanges('{"disabled":false}', '{"disabled":true}')).toEqual(["disabled: no → yes"]);
    expect(describeChanges('{"roles":[]}', '{"roles":["admin"]}')).toEqual(["roles: none → admin"]);
  });

  it("a field only one side has, or an empty one, reads as none; a nested value as its JSON", () => {
    expect(describeChanges('{"email":"a@example.org"}', '{"email":"a@example.org","name":"Ann"}')).toEqual(["name: none → Ann"]);
    expect(describeChanges('{"name":""}', '{"name":"Ann"}')).toEqual(["name: none → Ann"]);
    expect(describeChanges('{"limits":{"claims":3}}', '{"limits":{"claims":5}}')).toEqual(['limits: {"claims":3} → {"claims":5}']);
  });

  it("a record with only the state before (a removal) lists what was there", () => {
    expect(describeChanges('{"roles":["ssc"],"disabled":false}', null)).toEqual(["roles: ssc", "disabled: no"]);
  });

  it("a record with one side (a creation) lists its fields", () => {
    expect(describeChanges(null, '{"username":"carol","roles":["packager"],"github":null}')).toEqual(["username: carol", "roles: packager", "GitHub: none"]);
    expect(describeChanges(null, null)).toEqual([]);
  });

  it("a side that is not a JSON object is shown as recorded", () => {
    expect(describeChanges('"just text"', null)).toEqual(['before: "just text"']);
    expect(describeChanges(null, "{not json")).toEqual(["after: {not json"]);
    expect(describeChanges('["a list"]', '{"a":1}')).toEqual(['before: ["a list"]', 'after: {"a":1}']);
  });
});
