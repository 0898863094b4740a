import { type ReactNode, useState } from 'react';
import { ApiError } from '../lib/api-client.ts';
import { useI18n } from '../lib/i18n.tsx';
import { Field } from './ui/field.tsx';
import { errorMessage } from './ui/states.tsx';

export interface FieldSpec {
  key: string;
  label: string;
  type?: 'text' | 'email' | 'tel' | 'textarea' | 'select';
  required?: boolean;
  options?: { value: string; label: string }[];
  inputMode?: 'decimal';
}

/**
 * A plain create/edit form over a list of fields. On failure it keeps what was typed and puts the
 * API's 422 details next to the fields they name.
 */
export function RecordForm({
  fields,
  initial,
  submitLabel,
  onSubmit,
  readOnly = false,
  extra,
}: {
  fields: FieldSpec[];
  initial: Record<string, string>;
  submitLabel: string;
  onSubmit: (values: Record<string, string>) => Promise<unknown>;
  readOnly?: boolean;
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="form-grid"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setFailure(undefined);
        try {
          await onSubmit(values);
          setErrors({});
        } catch (error) {
          setFailure(error);
          if (error instanceof ApiError) {
            setErrors(
              Object.fromEntries(error.problems.map((p) => [p.path.replace(/^body\./, ''), p.message])),
            );
          }
        } finally {
          setBusy(false);
        }
      }}
    >
      {failure !== undefined && (
        <p className="error span-all" role="alert">
          {errorMessage(failure, t)}
        </p>
      )}
      {fields.map((f) => (
        <Field
          key={f.key}
          label={f.required ? f.label : `${f.label} (${t('common.optional')})`}
          error={errors[f.key]}
          className={f.type === 'textarea' ? 'span-all' : undefined}
        >
          {(props) => {
            const common = {
              ...props,
              value: values[f.key] ?? '',
              required: f.required,
              readOnly,
              onChange: (e: { target: { value: string } }) =>
                setValues((v) => ({ ...v, [f.key]: e.target.value })),
            };
            if (f.type === 'textarea') return <textarea {...common} rows={3} />;
            if (f.type === 'select') {
              return (
                <select {...common} disabled={readOnly}>
                  <option value="">—</option>
                  {f.options?.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              );
            }
            return (
              <input
                {...common}
                type={f.type ?? 'text'}
                {...(f.inputMode ? { inputMode: f.inputMode } : {})}
              />
            );
          }}
        </Field>
      ))}
      {extra}
      {!readOnly && (
        <div className="actions span-all">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('common.saving') : submitLabel}
          </button>
        </div>
      )}
    </form>
  );
}

/** Form values to a body: empty optional fields left out on create, `null` on edit (removes them). */
export function bodyOf(values: Record<string, string>, fields: FieldSpec[], mode: 'create' | 'edit') {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const value = (values[f.key] ?? '').trim();
    if (value !== '') body[f.key] = value;
    else if (mode === 'edit' && !f.required) body[f.key] = null;
  }
  return body;
}
