import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import { useTranslation } from 'react-i18next';
import { isApiError, isVersionConflict } from '../../api';

/** A failed save: the server's `reasons` as a list (400 invalid_rules / invalid_sla_policies / invalid_canned_replies), else its message. */
export function ReasonsAlert({
  error,
  testId,
  onReload,
}: {
  error: unknown;
  testId: string;
  /** Offered on a 412 (someone else saved since this page loaded): load theirs, dropping these edits. */
  onReload?: () => void;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const reasons = isApiError(error) ? error.reasons : [];
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert
      type="error"
      showIcon
      data-testid={testId}
      style={{ marginBottom: 12 }}
      action={
        onReload && isVersionConflict(error) ? (
          <Button data-testid={`${testId}-reload`} onClick={onReload}>
            {t('common.reload')}
          </Button>
        ) : undefined
      }
      title={reasons.length > 0 ? t('admin.invalid', { count: reasons.length }) : message}
      description={
        reasons.length > 0 ? (
          <ul data-testid={`${testId}-list`} style={{ margin: 0, paddingLeft: 20 }}>
            {reasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}
