import { useState } from 'react';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { useI18n } from '../../../lib/i18n.tsx';

/** Asks why a deal was lost before it moves to a lost stage (the API requires a reason). */
export function LossDialog({
  dealName,
  open,
  onCancel,
  onConfirm,
}: {
  dealName: string;
  open: boolean;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const missing = reason.trim() === '';
  return (
    <Dialog title={t('lost.title', { deal: dealName })} open={open} onClose={onCancel}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (!missing) onConfirm(reason.trim());
        }}
      >
        <Field label={t('lost.reason')} error={touched && missing ? t('common.required') : undefined}>
          {(props) => (
            <input
              {...props}
              autoFocus
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="button" className="button button-quiet" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button-danger">
            {t('lost.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
