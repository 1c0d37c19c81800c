import { DISTRIBUTIONS, type DistributionSlug } from "./vocabulary";

const NAMES = Object.fromEntries(DISTRIBUTIONS.map((d) => [d.slug, d.name])) as Record<DistributionSlug, string>;

/** "EPEL / Enterprise Linux" for "epel". Shared by server and browser code. */
export const distroName = (slug: DistributionSlug) => NAMES[slug];
