import { z } from "zod";
import { NOTIFICATION_DELIVERIES, NOTIFICATION_KINDS, WATCH_SUBJECTS } from "../lib/vocabulary";

const id = z
  .string()
  .regex(/^\d{1,15}$/, "must be a number")
  .transform(Number);

export const WatchSchema = z.object({
  subject: z.enum(WATCH_SUBJECTS, { error: "Say what to watch: a bounty or a target." }),
  id,
  watch: z.enum(["0", "1"], { error: "Say whether to watch or stop watching." }).transform((v) => v === "1"),
  returnTo: z.string().optional(),
});

export const MarkReadSchema = z.discriminatedUnion("intent", [z.object({ intent: z.literal("read"), id }), z.object({ intent: z.literal("read-all") })], {
  error: "Unknown action.",
});

/** One choice per kind; a kind left out keeps its setting. */
export const PreferencesSchema = z.object(
  Object.fromEntries(
    NOTIFICATION_KINDS.map((kind) => [kind, z.enum(NOTIFICATION_DELIVERIES, { error: "Choose at once, daily digest or off." }).optional()]),
  ) as {
    // fromEntries loses the keys; these are exactly NOTIFICATION_KINDS
    [K in (typeof NOTIFICATION_KINDS)[number]]: z.ZodOptional<z.ZodEnum<{ [D in (typeof NOTIFICATION_DELIVERIES)[number]]: D }>>;
  },
);
