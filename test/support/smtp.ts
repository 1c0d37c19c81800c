// A real SMTP server in the test process (smtp-server on 127.0.0.1, a random port, any
// credentials accepted), whose messages are parsed with mailparser. Point SMTP_URL at `url`.
import net from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Lowercase header name → its value as text. */
  headers: Map<string, string>;
  parsed: ParsedMail;
}

export interface SmtpCatcher {
  port: number;
  /** smtp://user:pass@127.0.0.1:port */
  url: string;
  messages: CaughtMail[];
  /** Waits until `predicate` holds for the messages received so far (polling), or fails after `timeoutMs`. */
  waitFor: (predicate: (messages: CaughtMail[]) => boolean, timeoutMs?: number) => Promise<CaughtMail[]>;
  /** Stops listening (the port is kept, so `start` can come back on it). */
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** While true, DATA is never answered: the sender hangs mid-send (to crash it there). */
  stall: (on: boolean) => void;
  /** How many messages' DATA began (accepted or not). */
  dataStarted: () => number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const port = await freePort();
  const messages: CaughtMail[] = [];
  let stalled = false;
  let started = 0;
  let server: SMTPServer | null = null;

  const make = () =>
    new SMTPServer({
      secure: false,
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authOptional: true,
      logger: false,
      onAuth: (_auth, _session, callback) => callback(null, { user: "test" }),
      onData(stream, _session, callback) {
        started++;
        if (stalled) {
          stream.resume(); // read it, never answer
          return;
        }
        simpleParser(stream)
          .then((parsed) => {
            const headers = new Map<string, string>();
            for (const [name, value] of parsed.headers) headers.set(name.toLowerCase(), typeof value === "string" ? value : JSON.stringify(value));
            for (const line of parsed.headerLines) headers.set(line.key.toLowerCase(), line.line.slice(line.line.indexOf(":") + 1).trim());
            const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(", ") : (parsed.to?.text ?? "");
            messages.push({
              to,
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              messageId: parsed.messageId ?? "",
              headers,
              parsed,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });

  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = make();
      server.on("error", () => undefined); // a client dropping the connection is not our failure
      server.listen(port, "127.0.0.1", () => resolve());
      server.server.once("error", reject);
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = null;
      if (!current) return resolve();
      current.close(() => resolve());
    });

  await start();
  return {
    port,
    url: `smtp://club:zero@127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (Date.now() > until) throw new Error(`the expected mail did not arrive in ${timeoutMs} ms; got: ${messages.map((m) => m.subject).join(" | ")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages;
    },
    stop,
    start,
    stall: (on) => {
      stalled = on;
    },
    dataStarted: () => started,
  };
}
