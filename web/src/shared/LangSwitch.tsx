import GlobalOutlined from '@ant-design/icons/GlobalOutlined';
import Button from 'antd/es/button';
import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage } from '../i18n';

export function LangSwitch() {
  const { t } = useTranslation();
  return (
    <Button
      type="text"
      icon={<GlobalOutlined />}
      data-testid="lang-switch"
      title={t('app.switchLanguageTitle')}
      onClick={() => setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en')}
    >
      <span className="hd-header-label">{t('app.switchLanguage')}</span>
    </Button>
  );
}
