import Spin from 'antd/es/spin';
import { useTranslation } from 'react-i18next';

export function PageLoading() {
  const { t } = useTranslation();
  return (
    <div style={{ padding: 48, textAlign: 'center' }} data-testid="page-loading">
      <Spin />
      <div style={{ marginTop: 8, color: '#8c8c8c' }}>{t('app.loading')}</div>
    </div>
  );
}
