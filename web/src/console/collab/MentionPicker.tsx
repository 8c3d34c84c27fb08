import Select from 'antd/es/select';
import { useTranslation } from 'react-i18next';
import { useAgents } from '../../shared/queries';

/** @ a colleague in the note box: pick them by name (@张伟) and their address goes into the note. */
export default function MentionPicker({ disabled, onInsert }: { disabled: boolean; onInsert: (text: string) => void }) {
  const { t } = useTranslation();
  const agents = useAgents();
  return (
    <Select
      size="small"
      style={{ width: 160 }}
      showSearch
      disabled={disabled}
      optionFilterProp="label"
      placeholder={t('collab.mention')}
      data-testid="mention-picker"
      value={null}
      options={(agents.data ?? []).map((a) => ({
        value: a.email,
        label: `@${a.name} ${a.email}`,
        'data-testid': `mention-option-${a.email}`,
      }))}
      onChange={(email: string) => onInsert(`@${email} `)}
    />
  );
}
