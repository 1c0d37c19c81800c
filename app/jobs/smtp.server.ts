// Email through SMTP (nodemailer). Only the outbox job sends, never a request.
import nodemailer from "nodemailer";
import { parseSmtpUrl } from "../env.server";
import type { OutboxChannel } from "../lib/vocabulary";
import type { OutboxRow } from "../models/outbox.server";

/** A channel's transport, as the outbox job sees it. */
export interface Sender {
  channel: OutboxChannel;
  send: (message: OutboxRow) => Promise<void>;
  close: () => void;
}

/** A refusal that will not change on retry: the server said 5xx to this recipient or message. */
export class PermanentSendError extends Error {}

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

/**
 * smtp://user:pass@host:587 speaks STARTTLS (required whenever a password would be sent to a
 * host other than this machine, so it never crosses a network in the clear); smtps:// speaks
 * TLS from the first byte (port 465). The URL (and its password) is never logged.
 */
export function createSmtpSender(smtpUrl: string, from: string): Sender {
  const url = parseSmtpUrl(smtpUrl);
  if (!url) throw new Error("SMTP_URL is not an smtp:// or smtps:// URL");
  const secure = url.protocol === "smtps:";
  const user = decodeURIComponent(url.username);
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && user !== "" && !LOOPBACK.has(url.hostname),
    auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
  });
  return {
    channel: "email",
    async send(message) {
      const headers: Record<string, string> = message.headersJson ? (JSON.parse(message.headersJson) as Record<string, string>) : {};
      try {
        await transporter.sendMail({
          from,
          to: message.recipient,
          subject: message.subject,
          text: message.textBody,
          html: message.htmlBody ?? undefined,
          // The same Message-ID on every attempt: a receiver can drop a copy sent again after a crash.
          messageId: message.messageId,
          headers: { ...headers, "X-Club-Zero-Key": message.idempotencyKey },
        });
      } catch (error) {
        throw classify(error);
      }
    },
    close: () => transporter.close(),
  };
}

/** 5xx to the recipient or the message itself: retrying will not help. Anything else (connection, 4xx, auth): retry. */
function classify(error: unknown): Error {
  const e = error as { responseCode?: number; command?: string; message?: string }; // nodemailer's SMTP error fields
  const text = e?.message ?? String(error);
  if (typeof e?.responseCode === "number" && e.responseCode >= 500 && (e.command === "RCPT TO" || e.command === "DATA")) {
    return new PermanentSendError(text);
  }
  return error instanceof Error ? error : new Error(text);
}
