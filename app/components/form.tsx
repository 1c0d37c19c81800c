import { Form } from "@remix-run/react";
import { useEffect, useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

/** The ids a field's aria-describedby names: its hint, then its error. */
function describedBy(id: string, hint: ReactNode, error: string | undefined) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return { hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined };
}

interface FieldFrameProps {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  hintId?: string;
  errorId?: string;
  children: ReactNode;
}

function FieldFrame({ id, label, hint, error, hintId, errorId, children }: FieldFrameProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span id={hintId} className="field__hint">
          {hint}
        </span>
      ) : null}
      {children}
      {error ? (
        <span id={errorId} className="field__error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
}

/** A labelled input with its hint and error, wired up for screen readers. */
export function Field({ label, name, error, hint, id = name, ...input }: FieldProps) {
  const ids = describedBy(id, hint, error);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId}>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...input} />
    </FieldFrame>
  );
}

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
}

/** A labelled text area with its hint and error, tied to it by aria-describedby. */
export function TextAreaField({ label, name, error, hint, id = name, ...textarea }: TextAreaFieldProps) {
  const ids = describedBy(id, hint, error);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId}>
      <textarea id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...textarea} />
    </FieldFrame>
  );
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
}

/** A labelled select with its hint and error, tied to it by aria-describedby. */
export function SelectField({ label, name, error, hint, id = name, children, ...select }: SelectFieldProps) {
  const ids = describedBy(id, hint, error);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId}>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...select}>
        {children}
      </select>
    </FieldFrame>
  );
}

/**
 * A message that says what just happened, and takes focus when it appears so a screen
 * reader reads it and a keyboard user starts from it. Without JavaScript the page comes
 * back from the server with `autofocus` on it; with JavaScript the effect focuses it each
 * time `trigger` changes (a new action result). `data-result` tells the route announcer
 * (root.tsx) to leave focus here.
 */
export function ResultMessage({ tone, trigger, children }: { tone: "ok" | "error"; trigger?: unknown; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [trigger]);
  return (
    <div
      ref={ref}
      role={tone === "ok" ? "status" : "alert"}
      className={`alert ${tone === "ok" ? "alert--ok" : "alert--error"}`}
      tabIndex={-1}
      autoFocus
      data-result=""
    >
      {children}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <ResultMessage tone="error" trigger={message}>
      {message}
    </ResultMessage>
  );
}

/** The outcome of an action: a green status line, or the error as an alert. */
export function ActionResult({ result }: { result?: { ok?: boolean; message?: string | null } | null }) {
  if (!result?.message) return null;
  return (
    <ResultMessage tone={result.ok ? "ok" : "error"} trigger={result}>
      {result.message}
    </ResultMessage>
  );
}

/**
 * After a failed submit: one focused alert listing what to fix, each item a link to its
 * field (fields' ids are their names). Every message names its field in words.
 */
export function ErrorSummary({
  errors,
  intro = "The form was not sent. Fix these and try again:",
}: {
  errors?: Record<string, string | undefined> | null;
  intro?: string;
}) {
  const entries = Object.entries(errors ?? {}).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return null;
  return (
    <ResultMessage tone="error" trigger={errors}>
      <p>{intro}</p>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            <a href={`#${field}`}>{message}</a>
          </li>
        ))}
      </ul>
    </ResultMessage>
  );
}

/**
 * A one-button form for an action that needs (or may take) a reason: the labelled text
 * area, posted as `reason` with the button's `intent`.
 */
export function ReasonForm({
  intent,
  label,
  button,
  busy,
  required = true,
}: {
  intent: string;
  label: string;
  button: string;
  busy: boolean;
  required?: boolean;
}) {
  const id = `${intent}-reason`;
  return (
    <Form method="post">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name="reason" required={required} />
      <button className="button button--quiet" name="intent" value={intent} disabled={busy}>
        {button}
      </button>
    </Form>
  );
}
