import { type ReactNode, type RefObject, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FieldErrors } from '../api/errors.js';

/** Props a field's control needs so its label, hint and error are announced with it. */
export interface ControlProps {
  readonly id: string;
  readonly 'aria-invalid': boolean;
  readonly 'aria-describedby': string | undefined;
}

/** A labelled form control with an optional hint and the error shown (and announced) below it. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  readonly label: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly children: (props: ControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A form-level error (role=alert, so screen readers announce it when it appears). */
export function FormError({ message }: { readonly message: string | undefined }) {
  return message ? (
    <p role="alert" className="form-error">
      {message}
    </p>
  ) : null;
}

/**
 * A form's errors by field. `report` shows a new set and moves focus to the first invalid control
 * (once, on submit); `clear` drops a field's error, and any form-level one, as soon as the user
 * changes that field: both described the values before the change. It never moves focus, so the
 * user keeps typing where they are.
 */
export function useFieldErrors(form: RefObject<HTMLFormElement | null>) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const focusPending = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `errors` is the trigger: focus moves once they render.
  useEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, errors]);

  const report = useCallback((next: FieldErrors) => {
    focusPending.current = Object.keys(next).length > 0;
    setErrors(next);
  }, []);
  const clear = useCallback(
    (field: string) =>
      setErrors((current) => {
        if (!Object.hasOwn(current, field) && !Object.hasOwn(current, 'form')) return current;
        const { [field]: _, form: __, ...rest } = current;
        return rest;
      }),
    [],
  );
  return { errors, report, clear };
}
