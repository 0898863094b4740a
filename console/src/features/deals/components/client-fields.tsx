import type { ReactNode } from 'react';
import { Field } from '../../../components/ui/field.tsx';
import { useI18n } from '../../../lib/i18n.tsx';
import { useCompaniesIndex, useContactsIndex } from '../../../lib/queries.ts';

interface ClientFieldsProps {
  contactId: string;
  companyId: string;
  onChange: (key: 'contactId' | 'companyId', value: string) => void;
  errors: Record<string, string | undefined>;
  hint?: (key: 'contactId' | 'companyId') => ReactNode;
}

/** The deal's contact and company, picked from the known ones (empty: none). */
export function ClientFields({ contactId, companyId, onChange, errors, hint }: ClientFieldsProps) {
  const { t } = useI18n();
  const contacts = useContactsIndex();
  const companies = useCompaniesIndex();
  const choices = [
    { key: 'contactId' as const, label: t('deal.contact'), value: contactId, items: contacts.data },
    { key: 'companyId' as const, label: t('deal.company'), value: companyId, items: companies.data },
  ];
  return (
    <>
      {choices.map((choice) => (
        <Field key={choice.key} label={choice.label} error={errors[choice.key]} hint={hint?.(choice.key)}>
          {(props) => (
            <select {...props} value={choice.value} onChange={(e) => onChange(choice.key, e.target.value)}>
              <option value="">—</option>
              {[...(choice.items?.values() ?? [])].map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ))}
    </>
  );
}
