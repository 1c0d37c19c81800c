import { Form } from "@remix-run/react";
import type { InputHTMLAttributes, ReactNode } from "react";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
}

/** A labelled input with its hint and error, wired up for screen readers. */
export function Field({ label, name, error, hint, id = name, ...input }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span id={hintId} className="field__hint">
          {hint}
        </span>
      ) : null}
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        {...input}
      />
      {error ? (
        <span id={errorId} className="field__error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div className="alert alert--error" role="alert">
      {message}
    </div>
  );
}

/** The outcome of an action: a green status line, or the error as an alert. */
export function ActionResult({ result }: { result?: { ok?: boolean; message?: string | null } | null }) {
  if (!result?.message) return null;
  return result.ok ? (
    <p role="status" className="alert alert--ok">
      {result.message}
    </p>
  ) : (
    <FormError message={result.message} />
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
