/** The mark on every demo row (fund history seeded with SEED_DEMO=1): it is not real money. */
export function DemoBadge({ demo }: { demo: boolean | null | undefined }) {
  if (!demo) return null;
  return (
    <>
      {" "}
      <span className="badge badge--demo">demo</span>
    </>
  );
}
