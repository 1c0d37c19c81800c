// XML 1.0 forbids most control characters, even escaped: drop them.
const escapeXml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);

export interface AtomEntry {
  id: string;
  title: string;
  url: string;
  updated: number;
  summary: string;
}

/** An Atom 1.0 feed (RFC 4287). */
export function formatAtomFeed(feed: { id: string; title: string; url: string; selfUrl: string; entries: AtomEntry[] }): string {
  const updated = new Date(Math.max(0, ...feed.entries.map((e) => e.updated))).toISOString();
  const entries = feed.entries
    .map(
      (e) => `  <entry>
    <id>${escapeXml(e.id)}</id>
    <title>${escapeXml(e.title)}</title>
    <link rel="alternate" href="${escapeXml(e.url)}"/>
    <updated>${new Date(e.updated).toISOString()}</updated>
    <summary>${escapeXml(e.summary)}</summary>
  </entry>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(feed.id)}</id>
  <title>${escapeXml(feed.title)}</title>
  <link rel="alternate" href="${escapeXml(feed.url)}"/>
  <link rel="self" href="${escapeXml(feed.selfUrl)}"/>
  <updated>${updated}</updated>
  <author><name>Club Zero</name></author>
${entries}
</feed>
`;
}
