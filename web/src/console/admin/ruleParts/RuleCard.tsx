// The card of one rule, trigger or automation: its position, name, on/off switch, moving (ordered lists only) and
// removing; the editor's own fields are its children.
import ArrowDownOutlined from '@ant-design/icons/ArrowDownOutlined';
import ArrowUpOutlined from '@ant-design/icons/ArrowUpOutlined';
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Space from 'antd/es/space';
import Switch from 'antd/es/switch';
import Tag from 'antd/es/tag';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Panel } from '../../../shared/ui';

export function RuleCard({
  id,
  index,
  name,
  nameLabel,
  enabled,
  disabled,
  onName,
  onEnabled,
  order,
  onRemove,
  children,
}: {
  /** The card's test id; its controls' ids start with it (`-name`, `-enabled`, `-up`, `-down`, `-delete`). */
  id: string;
  index: number;
  name: string;
  nameLabel: string;
  enabled: boolean;
  disabled: boolean;
  onName: (name: string) => void;
  onEnabled: (enabled: boolean) => void;
  /** Where the list's order matters (rules, triggers): the number of items and how to move this one. */
  order?: { count: number; onMove: (delta: number) => void };
  onRemove: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Panel
      small
      testId={id}
      style={{ marginBottom: 12, opacity: enabled ? 1 : 0.65 }}
      title={
        <Space wrap>
          <Tag>{index + 1}</Tag>
          <Input
            data-testid={`${id}-name`}
            aria-label={nameLabel}
            placeholder={nameLabel}
            style={{ width: 260 }}
            value={name}
            disabled={disabled}
            onChange={(e) => onName(e.target.value)}
          />
        </Space>
      }
      extra={
        <Space wrap>
          <span style={{ fontSize: 12 }}>{t('rules.enabled')}</span>
          <Switch data-testid={`${id}-enabled`} checked={enabled} disabled={disabled} onChange={onEnabled} />
          {order && (
            <>
              <Button
                icon={<ArrowUpOutlined />}
                aria-label={t('rules.moveUp')}
                data-testid={`${id}-up`}
                disabled={disabled || index === 0}
                onClick={() => order.onMove(-1)}
              />
              <Button
                icon={<ArrowDownOutlined />}
                aria-label={t('rules.moveDown')}
                data-testid={`${id}-down`}
                disabled={disabled || index === order.count - 1}
                onClick={() => order.onMove(1)}
              />
            </>
          )}
          <Button danger icon={<DeleteOutlined />} data-testid={`${id}-delete`} disabled={disabled} onClick={onRemove}>
            {t('rules.deleteRule')}
          </Button>
        </Space>
      }
    >
      {children}
    </Panel>
  );
}
