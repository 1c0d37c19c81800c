import fs from "node:fs";
import path from "node:path";
import { requireUser } from "../auth/session.server";
import { db } from "../db.server";
import { env } from "../env.server";
import { contentDisposition } from "../lib/receipts.server";
import { notFound } from "../lib/responses";
import { webPerson } from "../models/audit.server";
import { getReceiptForViewer } from "../models/expenses.server";
import type { LoaderFunctionArgs } from "@remix-run/node";

/** A receipt, only for its requester, SSC members and admins; always as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const expenseId = Number(params.id);
  const receiptId = Number(params.receiptId);
  const receipt = Number.isSafeInteger(expenseId) && Number.isSafeInteger(receiptId) ? getReceiptForViewer(db, webPerson(user), expenseId, receiptId) : null;
  if (!receipt || !/^[0-9a-f]{32}$/.test(receipt.storedName)) throw notFound("There is no such receipt.");
  let body: Buffer;
  try {
    body = await fs.promises.readFile(path.join(env.UPLOADS_DIR, receipt.storedName));
  } catch {
    throw notFound("The receipt's file is missing; ask an admin.");
  }
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": receipt.mime,
      "Content-Length": String(body.byteLength),
      "Content-Disposition": contentDisposition(receipt.originalName),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}
